package io.deptcrypt.devstack;

import io.deptcrypt.governance.Governance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the running stack can be reached, and with which credentials. {@link #toEnv()} is the content of
 * {@code .deptcrypt/endpoints.env}: shell-sourceable, so the AWS CLI, kcat or any client can use the stack.
 *
 * @param keyArns     department (and {@code quarantine}) → key ARN, in governance order
 * @param credentials application name → its localkms credentials, in governance order
 */
public record Endpoints(
        String kafkaBootstrapServers,
        String sqsEndpoint,
        String sqsQueueUrl,
        String kmsEndpoint,
        String connectRestUrl,
        String region,
        Governance.Topics topics,
        Map<String, String> keyArns,
        Map<String, Credentials> credentials) {

    public Endpoints {
        keyArns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keyArns));
        credentials = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
    }

    /** An application's access key pair for localkms. */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + ", secret hidden]";
        }
    }

    public Credentials credentialsOf(String application) {
        Credentials c = credentials.get(application);
        if (c == null) {
            throw new IllegalArgumentException("no localkms credentials for application '" + application + "' (have " + credentials.keySet() + ")");
        }
        return c;
    }

    /** The variables, in a stable order. */
    public Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        v.put("SQS_ENDPOINT", sqsEndpoint);
        v.put("SQS_QUEUE_URL", sqsQueueUrl);
        v.put("KMS_ENDPOINT", kmsEndpoint);
        v.put("CONNECT_REST_URL", connectRestUrl);
        v.put("AWS_REGION", region);
        v.put("AWS_DEFAULT_REGION", region); // AWS CLI v1 and older SDKs read only this one
        v.put("INGEST_TOPIC", topics.ingest());
        v.put("SHARED_TOPIC", topics.shared());
        v.put("DLQ_TOPIC", topics.deadLetter());
        keyArns.forEach((name, arn) -> v.put(Governance.envName(name) + "_KEY_ARN", arn));
        credentials.forEach((app, c) -> {
            v.put(Governance.envName(app) + "_AWS_ACCESS_KEY_ID", c.accessKeyId());
            v.put(Governance.envName(app) + "_AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
        });
        return v;
    }

    /** Shell-sourceable text: {@code export NAME='value'} lines. */
    public String toEnv() {
        StringBuilder sb = new StringBuilder("# deptcrypt devstack endpoints; `source` this file. Written at start, valid while the stack runs.\n");
        variables().forEach((k, val) -> sb.append("export ").append(k).append("='").append(val.replace("'", "'\\''")).append("'\n"));
        return sb.toString();
    }

    /** Writes {@link #toEnv()} atomically, readable only by the owner (it holds secret keys). */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, toEnv());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
