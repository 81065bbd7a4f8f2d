# postmortem-bridge: builds the service and runs it as a non-root user (uid/gid 10001).
#
#   docker build -t postmortem-bridge .
#   docker run -p 8080:8080 -p 9876:9876 -v pmb-data:/app/data --stop-timeout 40 postmortem-bridge
#
# Base images are pinned to exact tags. To pin them by digest as well, look the digest up with
#   docker buildx imagetools inspect eclipse-temurin:17.0.20.1_1-jre-noble
# and write it after the tag: FROM eclipse-temurin:17.0.20.1_1-jre-noble@sha256:<digest>
# (the same for the maven image). Renovate and Dependabot keep such pins up to date.

# ---------------------------------------------------------------------------------------------
# Build: the jar without its dependencies, and the runtime dependencies as separate jars
# ---------------------------------------------------------------------------------------------
FROM maven:3.9.15-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first: this layer, and target/lib, only change when pom.xml does.
COPY pom.xml .
RUN mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline \
 && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory=target/lib
COPY src src
# The shade plugin keeps the jar it started from as original-postmortem-bridge.jar: the service's
# own classes and resources only (about 200 KB), run with the dependencies in lib/.
RUN mvn -B -q -DskipTests package

# ---------------------------------------------------------------------------------------------
# Runtime
# ---------------------------------------------------------------------------------------------
# Ubuntu 24.04 with a Temurin 17 JRE. Temurin's Ubuntu images up to 21 include curl (used by
# HEALTHCHECK below); from 22 on they do not, so moving the base past 21 means revisiting it.
FROM eclipse-temurin:17.0.20.1_1-jre-noble
RUN groupadd --system --gid 10001 bridge \
 && useradd --system --uid 10001 --gid bridge --home-dir /app --no-create-home --shell /usr/sbin/nologin bridge
WORKDIR /app
# Least often changed first: the dependencies (about 32 MB) are one layer that a code change does
# not touch. Everything is owned by root, so the service cannot change its own code or settings.
COPY --from=build /src/target/lib lib
COPY --from=build /src/target/original-postmortem-bridge.jar postmortem-bridge.jar
COPY routes routes
COPY config config
RUN mkdir data && chown 10001:10001 data
# The H2 incident log and dry-run drafts. Not needed with DATABASE_URL pointing at PostgreSQL.
VOLUME /app/data
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001
# 8080: webhooks, API and page. 9876: health and metrics; keep it private.
EXPOSE 8080 9876

# JVM options, replaced as a whole by docker run -e JAVA_OPTS=... (e.g. "-Xmx192m"); split on
# spaces, so no value may contain one. Measured (bench/README.md, "Memory"): about 200 MB of the
# service is outside the heap, G1's own structures among it, and memory the C allocator keeps after
# it was freed. A 96 MB heap with the serial collector, giving freed native memory back every 5 s,
# kept the whole process under 300 MB at 1 000 webhooks a second; give the container 384 MiB. A
# share of the container's memory is the wrong knob: 75 % of 512 MiB is a heap that, with the rest,
# overruns the limit under load. A large incident log with long timelines may need -Xmx128m or more.
ENV JAVA_OPTS="-Xmx96m -XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000"

# Liveness: never asks the database and stays UP while the service drains, so an orchestrator that
# acts on it (Swarm restarts unhealthy tasks) does not kill a service whose database is down.
# Readiness is GET /observe/health/ready. Kubernetes ignores HEALTHCHECK: see examples/kubernetes/.
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${CAMEL_MANAGEMENT_PORT:-9876}/observe/health/live" || exit 1

# exec: java replaces the shell as PID 1, so SIGTERM reaches it and the service drains in-flight
# work (camel.main.shutdown-timeout, 30 s) before it exits. Docker's default stop timeout is 10 s:
# stop it with docker stop -t 40 (or docker run --stop-timeout 40, compose stop_grace_period: 40s).
# -XX:+ExitOnOutOfMemoryError: an out-of-memory JVM exits and is restarted instead of limping on.
# Options in JAVA_OPTS come later and win. Arguments after the image name are passed to the service.
# This replaces the base image's entrypoint (its USE_SYSTEM_CA_CERTS import): to trust a private CA,
# mount a trust store and add -Djavax.net.ssl.trustStore=... to JAVA_OPTS.
ENTRYPOINT ["sh", "-c", "exec java -XX:+ExitOnOutOfMemoryError $JAVA_OPTS -cp 'postmortem-bridge.jar:lib/*' io.postmortembridge.Application \"$@\"", "postmortem-bridge"]
