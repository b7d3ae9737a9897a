"""Fixtures for the vmm-client tests: real vmm-server processes on loopback and test clips.

The binaries come from the environment the ctest entry sets (VMM_SERVER_BINARY,
VMM_WORKER_BINARY); clips are made with the ffmpeg command line.
"""

import os
import socket
import subprocess
import threading
import time

import pytest

ALICE = "alice-token-0123456789"
BOB = "bob-token-0123456789"
WORKER = "worker-token-0123456789"


class Server:
    """A vmm-server process with its data in a temporary folder."""

    def __init__(self, folder, local_workers, extra_args=()):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        tokens = os.path.join(folder, "tokens")
        with open(tokens, "w") as f:
            f.write(f"{ALICE} alice\n{BOB} bob\n{WORKER} @worker\n")
        self.input_root = os.path.join(folder, "inputs")
        os.makedirs(self.input_root, exist_ok=True)
        port_file = os.path.join(folder, "port")
        self.log = open(os.path.join(folder, "server.log"), "w")
        self.process = subprocess.Popen(
            [os.environ["VMM_SERVER_BINARY"], "--listen=127.0.0.1", "--port=0",
             f"--port-file={port_file}", "--metrics-port=-1", f"--data-dir={folder}/data",
             f"--tokens={tokens}", f"--input-root={self.input_root}",
             f"--local-workers={local_workers}",
             f"--worker-binary={os.environ['VMM_WORKER_BINARY']}",
             "--worker-metrics-port=-1", "--worker-arg=--threads=1",
             "--worker-arg=--shutdown-grace=1", f"--worker-arg=--work-dir={folder}",
             *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with open(port_file) as f:
                    port = int(f.read().strip())
                self.address = f"127.0.0.1:{port}"
                return
            except (OSError, ValueError):
                time.sleep(0.05)
        self.stop()
        with open(self.log.name) as f:
            raise RuntimeError(f"vmm-server did not start:\n{f.read()[-3000:]}")

    def stop(self):
        if self.log.closed:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A server with one local worker (the embedded default model)."""
    running = Server(str(tmp_path_factory.mktemp("server")), local_workers=1)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def idle_server(tmp_path_factory):
    """A server without workers, where jobs stay QUEUED; at most 3 jobs in flight per owner."""
    running = Server(str(tmp_path_factory.mktemp("idle")), local_workers=0,
                     extra_args=["--max-jobs-in-flight-per-owner=3"])
    yield running
    running.stop()


def make_clip(path, frames=12, size="64x48"):
    """A small H.264 clip of a moving test pattern."""
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate=10", "-frames:v", str(frames), "-pix_fmt",
                    "yuv420p", path], check=True)
    return path


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    return make_clip(str(tmp_path_factory.mktemp("clips") / "pattern.mp4"))


class BreakingProxy:
    """A TCP proxy to `address` that cuts its first connection after `cut_after` bytes from
    the client; later connections pass everything. Counts the bytes the client sent."""

    def __init__(self, address, cut_after):
        host, port = address.rsplit(":", 1)
        self.target = (host, int(port))
        self.cut_after = cut_after
        self.client_bytes = 0
        self.connections = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            limit = self.cut_after if self.connections == 1 else None
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, upstream, limit, True),
                             daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, None, False),
                             daemon=True).start()

    def _pipe(self, source, sink, limit, from_client):
        sent = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if from_client:
                    self.client_bytes += len(data)
                sink.sendall(data)
                sent += len(data)
                if limit is not None and sent >= limit:
                    break
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.listener.close()
