/** {@code deptcrypt-bench kms}: localkms's own throughput and latency under load (not a test, not in CI). */
package io.deptcrypt.bench.kms;
