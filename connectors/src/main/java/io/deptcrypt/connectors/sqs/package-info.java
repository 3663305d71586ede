/**
 * The Kafka Connect SQS source connector: at least once, never a loss (docs/sqs-connector.md).
 *
 * <ul>
 *   <li>Connector and config: {@link io.deptcrypt.connectors.sqs.SqsSourceConnector}, the option names and typed
 *       settings in {@link io.deptcrypt.connectors.sqs.SqsSourceConfig}, their definitions in
 *       {@code SqsSourceConfigDef} and the rules across options in {@code CrossFieldRules}.</li>
 *   <li>The task: {@link io.deptcrypt.connectors.sqs.SqsSourceTask} receives into a bounded buffer and maps
 *       messages to records ({@link io.deptcrypt.connectors.sqs.SqsRecordMapper}).</li>
 *   <li>Settling received messages, by parts that never wait for each other: {@code MessageSettler} wires the
 *       in-flight bookkeeping ({@code InFlightMessages}), the batched deletes and releases with their retries
 *       ({@code SettleBatcher}) and the visibility heartbeat ({@code VisibilityHeartbeat}).</li>
 * </ul>
 */
package io.deptcrypt.connectors.sqs;
