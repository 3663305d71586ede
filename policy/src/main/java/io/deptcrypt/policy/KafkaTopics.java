package io.deptcrypt.policy;

import io.deptcrypt.governance.Governance;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topics governance names, as they must be created: the shared topic with its partitions, the keys and
 * governance topics compacted (their records are looked up by key for as long as anything refers to them; deleting
 * one by retention would make every record sealed under that data key unreadable).
 */
public final class KafkaTopics {

    private KafkaTopics() {}

    /**
     * @param ingestPartitions  the ingest topic's partitions (the connector's and encryptor's parallelism)
     * @param replicationFactor for every topic
     */
    public static List<NewTopic> of(Governance.Topics topics, int ingestPartitions, short replicationFactor) {
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        return List.of(
                new NewTopic(topics.ingest(), ingestPartitions, replicationFactor),
                new NewTopic(topics.shared(), topics.partitions(), replicationFactor),
                new NewTopic(topics.deadLetter(), 1, replicationFactor),
                new NewTopic(topics.keys(), 1, replicationFactor).configs(compacted),
                new NewTopic(topics.governance(), 1, replicationFactor).configs(compacted),
                // the re-drive log: which dead letters were re-driven (quarantine readers may not create topics)
                new NewTopic(topics.deadLetter() + KafkaNames.REDRIVE_LOG_SUFFIX, 1, replicationFactor)
                        .configs(compacted));
    }
}
