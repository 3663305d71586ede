/**
 * {@code ./deptcrypt bench}: what encryption costs against plaintext, measured side by side in one run and reported
 * as ratios. {@link io.deptcrypt.bench.BenchCommand} is the command line; {@code micro/} holds the JMH benchmarks,
 * {@code pipeline/} the end-to-end comparison on embedded real parts (worker JVMs per variant), {@code sqs/} the
 * connector's throughput. Results go to {@code bench/results/latest.json} and the tables of
 * {@code docs/performance.md} ({@link io.deptcrypt.bench.PerformanceDoc}). Not tests: CI never runs them.
 */
package io.deptcrypt.bench;
