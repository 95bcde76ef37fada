# Kleiber's container image: one image, two roles — `serve` (API, dashboard, /metrics) or `worker`.
#
#   docker build -t kleiber:dev .                                  # public base images (needs a registry)
#   deploy/image/build-local.sh                                    # no registry: a debootstrapped base (see README "Deploy")
#
# The bases are build arguments so a team can pin digests or use its own mirror.
ARG BUILD_BASE=maven:3.9-eclipse-temurin-21
ARG RUN_BASE=debian:bookworm-slim

# ---- build: the jar, its libraries and the dashboard (npm), then a trimmed Java runtime ----
FROM ${BUILD_BASE} AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm git >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package \
 && jlink --add-modules "$(cat deploy/image/java-modules)" --strip-debug --no-man-pages --no-header-files \
      --compress=zip-6 --output /opt/jre

# ---- run: a JRE with git, bubblewrap (the agents' sandbox) and Node.js (JavaScript projects' checks) ----
FROM ${RUN_BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates git bubblewrap nodejs npm >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home --home-dir /home/kleiber --shell /usr/sbin/nologin kleiber \
 && mkdir -p /work && chown kleiber:kleiber /work
COPY --from=build /opt/jre /opt/jre
COPY --from=build /src/target/kleiber.jar /opt/kleiber/kleiber.jar
COPY --from=build /src/target/lib /opt/kleiber/lib
COPY deploy/image/entrypoint.sh /opt/kleiber/entrypoint.sh
ENV PATH=/opt/jre/bin:$PATH
USER 10001:10001
WORKDIR /work
EXPOSE 8420 9420
# /healthz answers while the process lives; a worker's metrics port answers the same path.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["/opt/kleiber/entrypoint.sh", "healthcheck"]
ENTRYPOINT ["/opt/kleiber/entrypoint.sh"]
CMD ["serve"]
