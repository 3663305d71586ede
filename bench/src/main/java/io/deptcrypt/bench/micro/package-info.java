/**
 * JMH microbenchmarks of the crypto hot paths (seal and open per envelope format, AES-GCM's own floor, a cipher per
 * key, the seed's way, one event for 1, 2 or 3 audiences and with field groups), run in forked JVMs by {@link io.deptcrypt.bench.micro.MicroSuite};
 * and {@link io.deptcrypt.bench.micro.DedupeLookupBenchmark}, the encryptor's dedupe store layouts, run with JMH's own runner.
 */
package io.deptcrypt.bench.micro;
