# The migrator worker (and CLI) as a container image.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY workflows workflows
COPY servers servers
COPY activities activities
COPY testkit testkit
COPY worker worker
COPY cli cli
RUN mvn -q -B -ntp package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/cli/target/migrator.jar /app/migrator.jar
ENTRYPOINT ["java", "-jar", "/app/migrator.jar"]
CMD ["worker"]
