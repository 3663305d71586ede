package io.deptcrypt.devstack.soak;

/**
 * The stack as the soak saw it at one moment.
 *
 * @param at          milliseconds since the soak began
 * @param sent        events sent and acknowledged by SQS so far
 * @param sealed      records the encryptor sealed so far (its metric, summed over its instances)
 * @param delivered   distinct events of this run delivered so far
 * @param consumerLag records the slowest department consumer is behind on the shared topic (its consumer's
 *                    {@code records-lag}, summed over partitions); -1 if unknown
 */
public record SoakSample(long at, int sent, long sealed, int delivered, long consumerLag) {

    /** Events sent and acknowledged but not yet delivered: the end-to-end backlog. */
    public int backlog() {
        return sent - delivered;
    }
}
