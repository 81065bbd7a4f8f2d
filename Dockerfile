# Builds the service and runs the packaged jar as a non-root user.
#   docker build -t postmortem-bridge .
#   docker run -p 8080:8080 -p 9876:9876 -v pmb-data:/app/data postmortem-bridge
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system bridge && useradd --system --gid bridge --uid 10001 --home-dir /app bridge
WORKDIR /app
COPY --from=build /src/target/postmortem-bridge.jar postmortem-bridge.jar
COPY routes routes
COPY config config
RUN mkdir data && chown bridge:bridge data
USER bridge
# the H2 incident log and dry-run drafts; not needed with DATABASE_URL pointing at PostgreSQL
VOLUME /app/data
EXPOSE 8080 9876
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "postmortem-bridge.jar"]
