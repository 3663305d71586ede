/**
 * The pipeline benchmark ({@code deptcrypt-bench pipeline}): the real encryptor and department consumer against
 * plaintext baselines of the same shape, on embedded brokers (PLAINTEXT and SASL/SCRAM) and localkms in the parent
 * JVM ({@link io.deptcrypt.bench.pipeline.PipelineSuite}, {@code BenchStack}), each app in a worker JVM of its own
 * ({@code PipelineWorker}, driven over stdin/stdout by {@code WorkerProcess}); what a run measures ({@code Window},
 * {@code RecordBytes}) and what the suite reports ({@link io.deptcrypt.bench.pipeline.PipelineResult}). The method is
 * in docs/performance.md.
 */
package io.deptcrypt.bench.pipeline;
