# deptcrypt: one image for every app; the app is the first argument (encryptor, consumer, localkms).
#
#   mvn -B install -DskipTests            # builds the jars this image copies (nothing is compiled in here)
#   docker build -t deptcrypt:dev .
#   docker run --rm deptcrypt:dev encryptor --config /path/in/container/topology.properties
#
# On AWS the rendered apps stack (iac/rendered/cloudformation/apps.yaml) runs it on ECS Fargate with the
# properties and the governance file in environment variables; see docs/deploy-aws.md for building and pushing
# it to ECR. The connector plugin zip is included for self-managed Connect workers; MSK Connect takes it from S3.
FROM eclipse-temurin:17-jre

ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="deptcrypt" \
      org.opencontainers.image.description="Per-department envelope encryption on one shared Kafka topic" \
      org.opencontainers.image.version="${VERSION}"

# A fixed unprivileged user; ECS runs the apps with a read-only root file system and a writable /tmp volume.
RUN groupadd --system --gid 10001 deptcrypt \
 && useradd --system --uid 10001 --gid deptcrypt --home-dir /opt/deptcrypt --shell /usr/sbin/nologin deptcrypt

WORKDIR /opt/deptcrypt
COPY topology/target/deptcrypt-topology.jar lib/deptcrypt-topology.jar
COPY consumers/target/deptcrypt-consumer.jar lib/deptcrypt-consumer.jar
COPY localkms/target/localkms.jar lib/localkms.jar
COPY connectors/target/deptcrypt-connectors-${VERSION}-plugin.zip plugins/
COPY config/governance.yaml config/governance.yaml
COPY iac/docker/entrypoint.sh bin/deptcrypt
RUN chmod 0755 bin/deptcrypt

USER 10001:10001
ENV DEPTCRYPT_HOME=/opt/deptcrypt \
    DEPTCRYPT_WORK_DIR=/tmp/deptcrypt
ENTRYPOINT ["/opt/deptcrypt/bin/deptcrypt"]
CMD ["help"]
