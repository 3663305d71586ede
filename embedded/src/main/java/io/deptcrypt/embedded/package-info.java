/**
 * Real parts started in this JVM for the local stack and the tests: a KRaft Kafka cluster of one or more nodes
 * ({@link io.deptcrypt.embedded.EmbeddedKafka}, optionally with SASL/SCRAM clients and ACLs,
 * {@link io.deptcrypt.embedded.KafkaSecurity}), ElasticMQ as SQS ({@link io.deptcrypt.embedded.EmbeddedSqs}) and a
 * distributed Kafka Connect worker ({@link io.deptcrypt.embedded.EmbeddedConnect}).
 *
 * <p>Everything else here is the Kafka cluster's inside: its nodes and their dirs, ports and server properties,
 * SCRAM users, and leader/ISR queries through the Admin API.
 */
package io.deptcrypt.embedded;
