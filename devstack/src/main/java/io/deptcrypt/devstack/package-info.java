/**
 * The one-command local stack: {@code ./deptcrypt demo} and {@code ./deptcrypt up} run the whole system in one JVM.
 *
 * <ul>
 *   <li>{@link io.deptcrypt.devstack.DeptcryptCommand} (with {@code StackOptions}): the command line, parsed once into a
 *       {@link io.deptcrypt.devstack.StackConfig}.</li>
 *   <li>{@link io.deptcrypt.devstack.Stack}: starts and stops the parts in dependency order through a
 *       {@link io.deptcrypt.devstack.Lifecycle}: {@code Servers} (broker with the departments' sink topics, ElasticMQ,
 *       localkms, the Connect workers of {@code ConnectWorkers} and the SQS connector), {@code StackApps} (the encryptor
 *       instances and each department's consumer instances, each a {@code RestartableApp} with its own KMS client, configured by {@code AppConfigs} from the production properties files) and
 *       {@link io.deptcrypt.devstack.Endpoints} ({@code endpoints.env}).</li>
 *   <li>Kafka access: the broker authenticates every client; {@code KafkaLogins} keeps the super user and each
 *       governance application's login in the state directory, {@code KafkaAccessSync} brings the broker's users and
 *       ACLs in step with governance at start through the control plane ({@code io.deptcrypt.control}), whose
 *       {@code governance} and {@code audit} commands {@code DeptcryptCommand} also runs.</li>
 *   <li>{@code Demo}, {@link io.deptcrypt.devstack.EventGenerator}, {@link io.deptcrypt.devstack.DeliveryLog},
 *       {@link io.deptcrypt.devstack.CrossRead}, {@link io.deptcrypt.devstack.KmsAudit}: what the demo sends, sees and
 *       checks. {@link io.deptcrypt.devstack.SealedRecord} reads a sealed record's cleartext fields whatever its
 *       format, and {@link io.deptcrypt.devstack.TopicReader} reads whole topics and the keys topic's data keys.</li>
 *   <li>State-directory plumbing: {@code StateDirLock}, {@code RememberedPorts}, {@code ComponentLogs}.</li>
 * </ul>
 */
package io.deptcrypt.devstack;
