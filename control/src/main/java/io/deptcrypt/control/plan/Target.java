package io.deptcrypt.control.plan;

import io.deptcrypt.control.live.GovernanceTopic;
import io.deptcrypt.control.live.LocalIam;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What apply changes, and as whom.
 *
 * @param kms       KMS with the key admin's credentials
 * @param localIam  localkms's stand-in for IAM (the local stack), or empty (AWS: roles come from the IaC)
 * @param topic     the governance topic the running apps watch
 * @param kafkaAdmin the stack's Kafka administrator (ACLs and SCRAM users), or empty where Kafka access comes from
 *                   elsewhere (MSK IAM policies, rendered by the IaC)
 * @param appliedBy the governance application applying (the key admin)
 * @param clock     stamps the published version
 */
public record Target(KmsClient kms, Optional<LocalIam> localIam, Optional<Admin> kafkaAdmin, GovernanceTopic topic,
                     String appliedBy, Clock clock) {

    /** For a plan of Kafka changes only ({@link Planner#planKafka}): no KMS, no localkms, no governance topic. */
    public static Target kafkaOnly(Admin kafkaAdmin, String appliedBy) {
        return new Target(null, Optional.empty(), Optional.of(kafkaAdmin), null, appliedBy, Clock.systemUTC());
    }
}
