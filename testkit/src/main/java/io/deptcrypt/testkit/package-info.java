/**
 * Test doubles shared by every module's tests, and by the benchmarks: the raw AES keyring standing in for KMS
 * ({@link io.deptcrypt.testkit.RawAesKeyringProvider}), a keyring provider that fails like a throttled KMS
 * ({@link io.deptcrypt.testkit.FlakyKeyringProvider}), the keys topic in memory
 * ({@link io.deptcrypt.testkit.InMemoryKeysTopic}), and the one test governance file
 * ({@link io.deptcrypt.testkit.TestGovernance}). Nothing here belongs in a production class path.
 */
package io.deptcrypt.testkit;
