package io.deptcrypt.bench.pipeline;

/** Receives one delivered event: its (produce) timestamp and its value size. Called on a stream thread. */
@FunctionalInterface
interface Delivery {
    void delivered(long timestampMillis, int valueBytes);
}
