#!/usr/bin/env python3
"""Stages the vmm-client package (sources, generated stubs) and builds its wheel, offline.

    stage_package.py SOURCE_DIR STUBS_DIR STAGING_DIR DIST_DIR

SOURCE_DIR is client/python (pyproject.toml, README.md, vmm_client/); STUBS_DIR holds the
protoc output vmm/v1/magnification_pb2*.py. The stubs go to vmm_client/_proto/vmm/v1 with their
imports and module names moved under vmm_client, so the wheel adds no top-level `vmm` package.
(The proto itself keeps its name, vmm/v1/magnification.proto, in protobuf's descriptor pool: a
process cannot load these stubs and another copy of the same proto.) Run by the CMake target
vmm_python_wheel.
"""

import glob
import os
import shutil
import subprocess
import sys


def main(source_dir, stubs_dir, staging_dir, dist_dir):
    shutil.rmtree(staging_dir, ignore_errors=True)
    os.makedirs(staging_dir)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(os.path.join(source_dir, name), staging_dir)
    shutil.copytree(os.path.join(source_dir, "vmm_client"),
                    os.path.join(staging_dir, "vmm_client"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    proto_dir = os.path.join(staging_dir, "vmm_client", "_proto")
    stub_dir = os.path.join(proto_dir, "vmm", "v1")
    os.makedirs(stub_dir)
    for package in (proto_dir, os.path.dirname(stub_dir), stub_dir):
        with open(os.path.join(package, "__init__.py"), "w") as f:
            f.write('"""Generated from proto/vmm/v1/magnification.proto at build time."""\n')
    for stub in glob.glob(os.path.join(stubs_dir, "vmm", "v1", "magnification_pb2*.py")):
        with open(stub) as f:
            text = f.read()
        text = text.replace("from vmm.v1 import", "from vmm_client._proto.vmm.v1 import")
        # The module name the message classes report (pickling finds them by it).
        text = text.replace("'vmm.v1.magnification_pb2'",
                            "'vmm_client._proto.vmm.v1.magnification_pb2'")
        with open(os.path.join(stub_dir, os.path.basename(stub)), "w") as f:
            f.write(text)
    os.makedirs(dist_dir, exist_ok=True)
    for old in glob.glob(os.path.join(dist_dir, "vmm_client-*.whl")):
        os.remove(old)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--wheel-dir", dist_dir, staging_dir],
                   check=True)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
