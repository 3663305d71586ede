package io.deptcrypt.control;

import io.deptcrypt.control.live.GovernanceTopic;
import io.deptcrypt.control.live.KafkaLive;
import io.deptcrypt.control.live.KmsLive;
import io.deptcrypt.control.live.LocalIam;
import io.deptcrypt.control.plan.Target;
import io.deptcrypt.governance.Governance;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The clients a control command needs, built once from the running stack's endpoints: KMS as the key admin,
 * localkms's IAM stand-in, the governance topic. Close it to close the KMS client.
 */
public final class ControlSession implements AutoCloseable {

    private final KmsClient kms;
    private final LocalIam localIam;
    private final GovernanceTopic topic;
    private final String keyAdmin;
    private final EndpointsFile endpoints;

    private final Admin kafkaAdmin;

    private ControlSession(KmsClient kms, LocalIam localIam, GovernanceTopic topic, String keyAdmin, EndpointsFile endpoints,
                           Admin kafkaAdmin) {
        this.kafkaAdmin = kafkaAdmin;
        this.kms = kms;
        this.localIam = localIam;
        this.topic = topic;
        this.keyAdmin = keyAdmin;
        this.endpoints = endpoints;
    }

    /**
     * @param keyAdmin the governance key admin to act as
     * @throws IllegalArgumentException naming what the endpoints file lacks
     */
    public static ControlSession open(EndpointsFile endpoints, Governance g, String keyAdmin) {
        return open(endpoints, Optional.empty(), g, keyAdmin);
    }

    /**
     * @param kafkaAdmin the stack's Kafka administrator ({@code KAFKA_ADMIN_USERNAME}, {@code KAFKA_ADMIN_PASSWORD}),
     *                   needed when the stack's broker authenticates: apply then also keeps its SCRAM users and ACLs
     *                   in step, and reads and writes the governance topic as that administrator
     */
    public static ControlSession open(EndpointsFile endpoints, Optional<EndpointsFile> kafkaAdmin, Governance g,
                                      String keyAdmin) {
        if (!g.keyAdmins().contains(keyAdmin)) {
            throw new IllegalArgumentException("'" + keyAdmin + "' is not a key admin in " + g.source() + " (key admins: "
                    + g.keyAdmins() + ")");
        }
        URI kmsEndpoint = URI.create(endpoints.require("KMS_ENDPOINT"));
        String region = endpoints.get("AWS_REGION").orElse(g.region());
        String env = Governance.envName(keyAdmin);
        String akid = endpoints.require(env + "_AWS_ACCESS_KEY_ID");
        String secret = endpoints.require(env + "_AWS_SECRET_ACCESS_KEY");
        KmsClient kms = KmsClient.builder().endpointOverride(kmsEndpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(akid, secret))).build();
        boolean secured = endpoints.get("KAFKA_SECURITY_PROTOCOL").map(p -> p.startsWith("SASL_")).orElse(false);
        if (secured && kafkaAdmin.isEmpty()) {
            kms.close();
            throw new IllegalArgumentException("the stack's broker authenticates clients: give its administrator's"
                    + " credentials (--kafka-admin, default .deptcrypt/kafka-admin.env)");
        }
        Map<String, Object> kafka = new HashMap<>(secured
                ? KafkaClientSettings.admin(endpoints, kafkaAdmin.get()) : KafkaClientSettings.of(endpoints, keyAdmin));
        kafka.put(CommonClientConfigs.CLIENT_ID_CONFIG, "deptcrypt-governance-" + keyAdmin);
        return new ControlSession(kms, new LocalIam(kmsEndpoint, region, akid, secret),
                new GovernanceTopic(g.topics().governance(), kafka), keyAdmin, endpoints,
                secured ? Admin.create(kafka) : null);
    }

    public KmsLive kmsLive() {
        return new KmsLive(kms);
    }

    public GovernanceTopic topic() {
        return topic;
    }

    public EndpointsFile endpoints() {
        return endpoints;
    }

    /** The broker's ACLs and SCRAM users, when apply administers them (a broker that authenticates). */
    public Optional<KafkaLive> kafkaLive() {
        return Optional.ofNullable(kafkaAdmin).map(KafkaLive::new);
    }

    public Target target(Clock clock) {
        return new Target(kms, Optional.of(localIam), Optional.ofNullable(kafkaAdmin), topic, keyAdmin, clock);
    }

    @Override
    public void close() {
        kms.close();
        if (kafkaAdmin != null) {
            kafkaAdmin.close();
        }
    }
}
