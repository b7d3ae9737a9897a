# syntax=docker/dockerfile:1
# The vmm image: vmm-server (default) with its web console, vmm-worker and the vmm CLI, with the
# committed model.
#
#   docker build -t vmm .                                  # CPU image (Debian's LibTorch)
#   docker build -t vmm:cuda --build-arg VARIANT=cuda .    # CUDA image (official CUDA LibTorch)
#   docker run -p 8000:8000 -p 8001:8001 -p 8002:8002 vmm server --local-workers 1
#   docker run vmm worker --server host:8001 --token-file /run/secrets/worker-token
#
# Stages: console (the web console's static files, built with Node.js 20) and deps-cpu or
# deps-cuda (picked by VARIANT) -> build (installs scripts/packages.txt with
# scripts/install-deps.sh, builds Release, runs no tests, writes the console's flag-help.json
# from the CLI's flags) -> runtime (debian:bookworm-slim with scripts/runtime-packages.txt, a
# non-root user, the binaries, the model and the console). Needs BuildKit (Docker 23 or later),
# which builds only the stages the chosen VARIANT uses.
# Checked statically by scripts/check-deploy.sh dockerfile; see deploy/README.md.

# cpu: Debian's LibTorch (CPU only). cuda: the official CUDA LibTorch from LIBTORCH_URL.
ARG VARIANT=cpu

# --- Console: the web console (console/), built as the CMake target vmm_console builds it. ---
# Node.js 20.19+ for Vite 8 (Debian 12's nodejs is 18), so the build stage has no npm and
# builds no console; its flag-help.json comes from the build stage (vmm_flag_help_json).
FROM node:20-bookworm-slim AS console
WORKDIR /src/console
COPY console/package.json console/package-lock.json /src/console/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --loglevel=error
COPY console/ /src/console/
RUN npm run --silent build -- --outDir /out/console --emptyOutDir --logLevel warn

# --- Build dependencies, CPU: nothing beyond scripts/packages.txt. ---
FROM debian:bookworm AS deps-cpu
RUN mkdir -p /opt/libtorch/lib

# --- Build dependencies, CUDA: NVIDIA's CUDA toolkit for Debian 12 and the official LibTorch. ---
# CUDA_APT_VERSION (apt's spelling, 12-4) must match the CUDA version LIBTORCH_URL was built for.
FROM debian:bookworm AS deps-cuda
ARG CUDA_APT_VERSION=12-4
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu124/libtorch-cxx11-abi-shared-with-deps-2.5.1%2Bcu124.zip
ARG LIBTORCH_SHA256=""
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && curl -fsSLo /tmp/cuda-keyring.deb \
      https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64/cuda-keyring_1.1-1_all.deb \
 && dpkg -i /tmp/cuda-keyring.deb \
 && apt-get update \
 && apt-get install -y --no-install-recommends "cuda-toolkit-${CUDA_APT_VERSION}" \
 && curl -fsSLo /tmp/libtorch.zip "${LIBTORCH_URL}" \
 && if [ -n "${LIBTORCH_SHA256}" ]; then echo "${LIBTORCH_SHA256}  /tmp/libtorch.zip" | sha256sum -c -; fi \
 && unzip -q /tmp/libtorch.zip -d /opt \
 && rm -rf /tmp/libtorch.zip /tmp/cuda-keyring.deb /var/lib/apt/lists/*
ENV CUDA_HOME=/usr/local/cuda \
    PATH=/usr/local/cuda/bin:${PATH}

# --- Build: one package list (scripts/packages.txt), one build, no tests. ---
FROM deps-${VARIANT} AS build
ARG VARIANT=cpu
WORKDIR /src
COPY scripts/install-deps.sh scripts/packages.txt /src/scripts/
# The CUDA variant compiles against /opt/libtorch, so Debian's CPU libtorch-dev is left out, and
# with it Debian's oneDNN: that LibTorch carries its own copy, and two in one process would clash.
# The image runs no tests: the browser test's Chromium is left out too.
RUN if [ "${VARIANT}" = cuda ]; then sed -i '/^libtorch-dev$/d; /^libdnnl-dev$/d' scripts/packages.txt; fi \
 && sed -i '/^chromium$/d' scripts/packages.txt \
 && scripts/install-deps.sh
COPY . /src
# The model's path is compiled into the binaries as their default (VMM_DEFAULT_MODEL), and so is
# the console's folder (VMM_DEFAULT_CONSOLE_DIR, where the runtime stage copies it). The console's
# flag-help.json is written from the CLI's own flag definitions (vmm_flag_help_json).
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake -S /src -B /src/build -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH=/opt/libtorch \
      -DVMM_BUILD_TESTS=OFF \
      -DVMM_BUILD_BENCH=OFF \
      -DVMM_DEFAULT_MODEL=/opt/vmm/models/vmm-base.vmmw \
      -DVMM_DEFAULT_CONSOLE_DIR=/opt/vmm/console \
      -DVMM_USE_ONEDNN=$([ "${VARIANT}" = cuda ] && echo OFF || echo ON) \
 && cmake --build /src/build --parallel \
      --target vmm-server vmm-worker vmm vmm-health-probe vmm_flag_help_json \
 && mkdir -p /out/bin /out/console \
 && build/console/vmm_flag_help_json /out/console/flag-help.json \
 && cp build/server/vmm-server build/server/vmm-health-probe build/worker/vmm-worker build/client/vmm \
      /out/bin/ \
 && strip --strip-unneeded /out/bin/* \
 && if [ "${VARIANT}" = cuda ]; then sed -i '/^libtorch/d' scripts/runtime-packages.txt; fi \
 && LD_LIBRARY_PATH=/opt/libtorch/lib scripts/check-deploy.sh runtime-libs /out/bin/*

# --- Runtime: slim Debian, runtime libraries only, non-root. ---
FROM debian:bookworm-slim AS runtime
ARG VARIANT=cpu
COPY scripts/runtime-packages.txt /tmp/runtime-packages.txt
RUN if [ "${VARIANT}" = cuda ]; then sed -i '/^libtorch/d' /tmp/runtime-packages.txt; fi \
 && apt-get update \
 && grep -vE '^[[:space:]]*(#|$)' /tmp/runtime-packages.txt \
      | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && groupadd --system --gid 10001 vmm \
 && useradd --system --uid 10001 --gid vmm --home-dir /var/lib/vmm --shell /usr/sbin/nologin vmm \
 && mkdir -p /var/lib/vmm \
 && chown vmm:vmm /var/lib/vmm
# Empty for the CPU variant; LibTorch with its CUDA libraries for the CUDA variant.
COPY --from=build /opt/libtorch/lib /opt/libtorch/lib
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /src/models/vmm-base.vmmw /opt/vmm/models/vmm-base.vmmw
# The web console (vmm-server's --console-dir default here) and its flag-help.json.
COPY --from=console /out/console/ /opt/vmm/console/
COPY --from=build /out/console/flag-help.json /opt/vmm/console/flag-help.json
COPY deploy/docker/entrypoint.sh /usr/local/bin/vmm-entrypoint
COPY deploy/docker/healthcheck.sh /usr/local/bin/vmm-healthcheck
# No NVIDIA_VISIBLE_DEVICES here: `docker run --gpus` and Kubernetes' device plugin name the
# GPUs a container gets; a default of "all" would hand every GPU to pods that asked for none.
ENV LD_LIBRARY_PATH=/opt/libtorch/lib \
    HOME=/var/lib/vmm
WORKDIR /var/lib/vmm
USER 10001:10001
# The web console and its JSON gateway (--web-port), gRPC (--port), metrics (--metrics-port).
EXPOSE 8000 8001 8002
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/vmm-healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/vmm-entrypoint"]
CMD ["server"]
