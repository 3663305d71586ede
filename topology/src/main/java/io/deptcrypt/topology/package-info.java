/**
 * The encryptor: a Kafka Streams app that validates ingest events ({@link io.deptcrypt.topology.IngestParser}),
 * seals them per department, or an event of an event type once for all its audiences with its field groups as parts
 * (docs/event-types.md), ({@link io.deptcrypt.topology.SealProcessor}) onto the shared topic, spread over its
 * partitions by {@link io.deptcrypt.topology.Partitioning}, and sends invalid input, sealed under the quarantine key,
 * to the dead-letter topic. A second copy of an ingest event (the SQS connector is at least once) is dropped before
 * sealing by {@link io.deptcrypt.topology.IngestDeduplicator}, whose windowed state store remembers the events sealed
 * in the last {@code dedupe.window.ms} ({@link io.deptcrypt.topology.DedupeSettings}). In the default format, AES_GCM_V2, each data key's record goes to the keys topic first
 * (runtime's {@code KafkaDataKeyPublisher}). {@link io.deptcrypt.topology.EncryptorConfig} declares and parses its keys,
 * {@link io.deptcrypt.topology.EncryptorApp} runs it embedded, {@link io.deptcrypt.topology.EncryptorCli} from the
 * command line. Its counts ({@link io.deptcrypt.topology.EncryptorCounters}) are also Kafka metrics among the
 * app's Streams metrics, listed with their meaning in {@link io.deptcrypt.topology.EncryptorMetrics}.
 * {@link io.deptcrypt.topology.GovernanceFollower} takes each governance version applied while it runs
 * (runtime's {@code GovernanceWatcher}): the departments it accepts and seals for.
 */
package io.deptcrypt.topology;
