# syntax=docker/dockerfile:1
# The gateway image, built from the repository root:
#   docker build -f deploy/docker/envoy.Dockerfile -t svend-envoy .
# It bakes deploy/envoy/envoy.yaml (rendered by `python -m svend.gateway --write`) and the
# descriptor set generated from protos/, which the transcoder reads at /etc/envoy/svend.pb.
FROM python:3.11-slim AS descriptor
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN pip install grpcio-tools==1.85.1 googleapis-common-protos==1.76.0
COPY protos/ protos/
COPY scripts/gen_protos.py scripts/
RUN mkdir services && python scripts/gen_protos.py

FROM envoyproxy/envoy:v1.40-latest
COPY deploy/envoy/envoy.yaml /etc/envoy/envoy.yaml
COPY --from=descriptor /src/deploy/envoy/svend.pb /etc/envoy/svend.pb
# The image's own unprivileged user.
USER 101:101
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["/bin/bash", "-c", \
    "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
CMD ["envoy", "-c", "/etc/envoy/envoy.yaml", "--disable-hot-restart"]
