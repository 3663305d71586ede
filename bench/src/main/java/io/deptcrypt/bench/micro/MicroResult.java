package io.deptcrypt.bench.micro;

/**
 * One JMH measurement.
 *
 * @param variant      what was measured: the envelope format, "seed" or "aes-gcm-floor"
 * @param operation    "seal" or "open"
 * @param sizeBytes    plaintext size
 * @param opsPerSecond the JMH score (single thread)
 * @param error        the 99.9% confidence half-width JMH reports (NaN with too few iterations)
 */
public record MicroResult(String variant, String operation, int sizeBytes, double opsPerSecond, double error) {

    /** Microseconds per operation. */
    public double microsPerOp() {
        return 1e6 / opsPerSecond;
    }

    /** Plaintext megabytes (10^6 B) per second. */
    public double megabytesPerSecond() {
        return opsPerSecond * sizeBytes / 1e6;
    }
}
