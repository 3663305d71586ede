/**
 * What every deptcrypt Kafka Streams app shares, the encryptor and the department consumers alike.
 *
 * <ul>
 *   <li>The config edge: {@link io.deptcrypt.runtime.ConfigProperties} reads a file or map (environment references,
 *       empty = not set, relative paths); {@link io.deptcrypt.runtime.ConfigCheck} checks it against the app's Kafka
 *       {@code ConfigDef} and reports every problem at once ({@link io.deptcrypt.runtime.InvalidConfigException}).
 *       Keys are declared once, as {@code NAME}, {@code NAME_DOC}, {@code NAME_DEFAULT} and a validator
 *       ({@link io.deptcrypt.runtime.EnumChoice}, {@link io.deptcrypt.runtime.TextPattern},
 *       {@link io.deptcrypt.runtime.HttpUrl} or one of Kafka's); the shared keys live in
 *       {@link io.deptcrypt.runtime.AppSettings}, {@link io.deptcrypt.runtime.KmsSettings} and
 *       {@link io.deptcrypt.runtime.KmsRetry}, the passthrough in {@link io.deptcrypt.runtime.KafkaOverrides}, the
 *       docs tables in {@link io.deptcrypt.runtime.ConfigTable}.</li>
 *   <li>Running: {@link io.deptcrypt.runtime.StreamsLifecycle} (one KafkaStreams, its failures and resources),
 *       {@link io.deptcrypt.runtime.AbstractStreamsApp} (what a started app offers),
 *       {@link io.deptcrypt.runtime.StreamsAppCommand} and {@link io.deptcrypt.runtime.StreamsAppLauncher} (the
 *       command line and its exit codes), {@link io.deptcrypt.runtime.CliLogging}.</li>
 *   <li>Records: {@link io.deptcrypt.runtime.DeadLetterHeaders}.</li>
 *   <li>Metrics, registered among the app's Kafka Streams metrics: {@link io.deptcrypt.runtime.MetricDefinition} (a
 *       metric's name, group, tags and meaning; each app lists its own), {@link io.deptcrypt.runtime.SensorRegistry}
 *       (counters and latencies as Kafka sensors) and {@link io.deptcrypt.runtime.KmsCallSensors} (the KMS calls both
 *       kinds of app make).</li>
 *   <li>Governance while running: {@link io.deptcrypt.runtime.GovernanceWatcher} follows the governance topic and
 *       hands each applied version to the app's listener ({@code governance.watch} in
 *       {@link io.deptcrypt.runtime.AppSettings}).</li>
 *   <li>The keys topic of AES_GCM_V2 over Kafka: {@link io.deptcrypt.runtime.KafkaDataKeyPublisher} (the encryptor's
 *       acknowledged publication of each data key's record) and {@link io.deptcrypt.runtime.KafkaDataKeyDirectory}
 *       (a reader's copy of the topic, caught up on demand), crypto's {@code DataKeyPublisher} and
 *       {@code DataKeyDirectory}. Their outages are retried by {@link io.deptcrypt.runtime.KmsRetry} like KMS's.</li>
 * </ul>
 */
package io.deptcrypt.runtime;
