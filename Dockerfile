# syntax=docker/dockerfile:1
# Pilote's production image: the one `pilote` binary on Debian slim, run as an unprivileged
# user. Migrations, templates, default settings and the chart font are compiled into the
# binary, so nothing else is copied. See docs/operations.md.

# Build and run on the same Debian release, so the binary finds the glibc it was linked with.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# The caches keep the registry and the build directory between builds of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin pilote \
    && cp target/release/pilote /usr/local/bin/pilote

FROM debian:bookworm-slim
# ca-certificates: TLS to a managed PostgreSQL; curl: the health check below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/pilote --create-home pilote
COPY --from=build /usr/local/bin/pilote /usr/local/bin/pilote
USER 10001:10001
WORKDIR /var/lib/pilote
ENV PILOTE_BIND=0.0.0.0:8080 \
    PILOTE_ENVIRONMENT=production \
    RUST_LOG=info
EXPOSE 8080
# Ready means the database answers too: a replica that lost it leaves the load balancer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/readyz || exit 1
# actix finishes requests in flight on SIGTERM (PILOTE_SHUTDOWN_TIMEOUT_SECS).
STOPSIGNAL SIGTERM
ENTRYPOINT ["pilote"]
CMD ["serve"]
