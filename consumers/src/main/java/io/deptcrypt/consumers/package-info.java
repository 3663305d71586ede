/**
 * A department's reader: a Kafka Streams app that keeps its own department's records from the shared topic (by their
 * audience header, or key and department header for version 1 records), opens them with its own KMS credentials and
 * the data keys of the keys topic ({@link io.deptcrypt.consumers.OpenProcessor}) and hands the plaintext to a
 * {@link io.deptcrypt.consumers.DepartmentSink}; what it does with a record it cannot open is its
 * {@link io.deptcrypt.consumers.FailureAction}. {@link io.deptcrypt.consumers.DepartmentConsumerConfig} declares and
 * parses its keys, {@link io.deptcrypt.consumers.DepartmentConsumerApp} runs it embedded,
 * {@link io.deptcrypt.consumers.ConsumerCli} from the command line. {@link io.deptcrypt.consumers.DecryptingDeserializer}
 * does the same opening for a plain KafkaConsumer. The app's counts ({@link io.deptcrypt.consumers.ConsumerCounters})
 * are also Kafka metrics among its Streams metrics, listed with their meaning in
 * {@link io.deptcrypt.consumers.ConsumerMetrics}.
 * {@link io.deptcrypt.consumers.ReadAccessFollower} reacts to each
 * governance version applied while it runs: a revoked or re-granted reader drops its cached data keys.
 */
package io.deptcrypt.consumers;
