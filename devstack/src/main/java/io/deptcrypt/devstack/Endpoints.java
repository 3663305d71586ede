package io.deptcrypt.devstack;

import io.deptcrypt.embedded.KafkaSecurity;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.LocalKms;
import io.deptcrypt.runtime.KafkaLogin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Where the running stack can be reached, and with which credentials. {@link #toEnv()} is the content of
 * {@code .deptcrypt/endpoints.env}: one {@code export NAME='value'} line per variable, so a shell can source it and
 * any other tool can read it line by line (docs/devstack.md describes the form exactly).
 *
 * @param kafkaSecurityProtocol how clients reach the broker ({@code SASL_PLAINTEXT})
 * @param kafkaSaslMechanism    the one SASL mechanism it accepts ({@code SCRAM-SHA-512})
 * @param keyArns     department (and {@code quarantine}) → key ARN, in governance order
 * @param credentials application name → its localkms credentials, in governance order
 * @param kafkaPasswords application name (= its Kafka user) → its Kafka password, in governance order
 * @param sinkTopics  department → the topic its stack consumers write what they open to, in governance order
 */
public record Endpoints(
        String kafkaBootstrapServers,
        String kafkaSecurityProtocol,
        String kafkaSaslMechanism,
        String sqsEndpoint,
        String sqsQueueUrl,
        String kmsEndpoint,
        String connectRestUrl,
        String region,
        Governance.Topics topics,
        Map<String, String> keyArns,
        Map<String, Credentials> credentials,
        Map<String, String> kafkaPasswords,
        Map<String, String> sinkTopics) {

    public Endpoints {
        sinkTopics = Collections.unmodifiableMap(new LinkedHashMap<>(sinkTopics));
        keyArns = Collections.unmodifiableMap(new LinkedHashMap<>(keyArns));
        credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
        kafkaPasswords = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaPasswords));
    }

    /** The endpoints of running servers; the governance keys' ARNs and every application's credentials from localkms. */
    static Endpoints of(Governance governance, Servers servers) {
        LocalKms kms = servers.kms().current();
        Map<String, String> keys = new LinkedHashMap<>();
        for (Governance.Department d : governance.departments()) {
            keys.put(d.name(), kms.keyArn(d.name()));
        }
        keys.put("quarantine", kms.quarantineKeyArn());
        Map<String, Credentials> creds = new LinkedHashMap<>();
        for (Governance.Application a : governance.applications()) {
            AccessKey k = kms.credentials(a.name());
            creds.put(a.name(), new Credentials(k.accessKeyId(), k.secretAccessKey()));
        }
        String connectUrl = servers.connect() == null ? "" : servers.connect().restUrl().toString();
        Map<String, String> sinks = new LinkedHashMap<>();
        governance.departmentNames().forEach(d -> sinks.put(d, AppConfigs.sinkTopic(d)));
        return new Endpoints(servers.kafka().bootstrapServers(), SecurityProtocol.SASL_PLAINTEXT.name, KafkaSecurity.MECHANISM,
                servers.sqs().endpoint().toString(), servers.queueUrl(), kms.endpoint().toString(), connectUrl,
                governance.region(), governance.topics(), keys, creds, servers.kafkaPasswords(), sinks);
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

    /** A KMS client signing as the given governance application (its localkms credentials); the caller closes it. */
    public KmsClient kmsClientAs(String application) {
        Credentials c = credentialsOf(application);
        return KmsClient.builder()
                .endpointOverride(URI.create(kmsEndpoint))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .build();
    }

    /**
     * Client settings that log in to the broker as the given governance application ({@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}); a new mutable map.
     */
    public Map<String, Object> kafkaClientProperties(String application) {
        String password = kafkaPasswords.get(application);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka user for application '" + application + "' (have "
                    + kafkaPasswords.keySet() + ")");
        }
        KafkaLogin.Mechanism mechanism = Arrays.stream(KafkaLogin.Mechanism.values())
                .filter(m -> m.kafkaName().equals(kafkaSaslMechanism)).findFirst().orElseThrow();
        KafkaLogin login = new KafkaLogin(KafkaLogin.Protocol.valueOf(kafkaSecurityProtocol), mechanism,
                Optional.of(application), Optional.of(password));
        Map<String, Object> p = new LinkedHashMap<>(login.clientProperties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers);
        return p;
    }

    /** The variables, in a stable order. */
    public Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
        v.put("KAFKA_SECURITY_PROTOCOL", kafkaSecurityProtocol);
        v.put("KAFKA_SASL_MECHANISM", kafkaSaslMechanism);
        v.put("SQS_ENDPOINT", sqsEndpoint);
        v.put("SQS_QUEUE_URL", sqsQueueUrl);
        v.put("KMS_ENDPOINT", kmsEndpoint);
        v.put("CONNECT_REST_URL", connectRestUrl);
        v.put("AWS_REGION", region);
        v.put("AWS_DEFAULT_REGION", region); // AWS CLI v1 and older SDKs read only this one
        v.put("INGEST_TOPIC", topics.ingest());
        v.put("SHARED_TOPIC", topics.shared());
        v.put("DLQ_TOPIC", topics.deadLetter());
        sinkTopics.forEach((department, topic) -> v.put(Governance.envName(department) + "_SINK_TOPIC", topic));
        keyArns.forEach((name, arn) -> v.put(Governance.envName(name) + "_KEY_ARN", arn));
        credentials.forEach((app, c) -> {
            v.put(Governance.envName(app) + "_AWS_ACCESS_KEY_ID", c.accessKeyId());
            v.put(Governance.envName(app) + "_AWS_SECRET_ACCESS_KEY", c.secretAccessKey());
        });
        v.putAll(KafkaLogins.variables(kafkaPasswords));
        return v;
    }

    /**
     * Shell-sourceable text: a comment line, then one {@code export NAME='value'} line per variable, the value single
     * quoted with each {@code '} written as {@code '\''} (nothing else is escaped, so no value may span lines).
     */
    public String toEnv() {
        StringBuilder sb = new StringBuilder("# deptcrypt devstack endpoints; `source` this file. Written once the stack is ready; "
                + "left in place when it stops.\n");
        variables().forEach((k, val) -> {
            if (val.indexOf('\n') >= 0 || val.indexOf('\r') >= 0) {
                throw new IllegalStateException("endpoint variable " + k + " has a line break; endpoints.env is one line per variable");
            }
            sb.append("export ").append(k).append("='").append(val.replace("'", "'\\''")).append("'\n");
        });
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
