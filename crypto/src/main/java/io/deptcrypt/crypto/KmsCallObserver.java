package io.deptcrypt.crypto;

/**
 * Told of each KMS call a {@link KeyringProvider} made, once it returned or failed: for metrics. Called on the
 * thread that made the call, so it must be quick and must not throw.
 */
@FunctionalInterface
public interface KmsCallObserver {

    /**
     * @param operation which KMS operation
     * @param nanos     how long the SDK call took, its own retries included
     * @param failed    true if the call threw (refused, throttled, unreachable)
     */
    void called(KmsOperation operation, long nanos, boolean failed);
}
