# One image, two binaries: `offload-api` and `offload-worker`. Configuration comes from the
# environment at run time; no secrets are baked in.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bins \
 && cp target/release/offload-api target/release/offload-worker /usr/local/bin/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/offload offload
COPY --from=build /usr/local/bin/offload-api /usr/local/bin/offload-worker /usr/local/bin/
USER offload
WORKDIR /var/lib/offload
ENV OFFLOAD_DATA_DIR=/var/lib/offload
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
CMD ["offload-api"]
