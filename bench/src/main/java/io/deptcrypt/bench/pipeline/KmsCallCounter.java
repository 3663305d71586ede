package io.deptcrypt.bench.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the KMS requests every client the benchmark builds sends, by operation and application, independent of
 * what the apps report about themselves.
 */
final class KmsCallCounter {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** An interceptor that counts requests of {@code application}. */
    ExecutionInterceptor interceptor(String application) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                String op = context.request().getClass().getSimpleName().replaceFirst("Request$", "");
                counts.computeIfAbsent(application + " " + op, k -> new LongAdder()).increment();
            }
        };
    }

    /** Requests of {@code operation} (e.g. "GenerateDataKey") sent by {@code application} so far, retries included. */
    long get(String application, String operation) {
        LongAdder a = counts.get(application + " " + operation);
        return a == null ? 0 : a.sum();
    }
}
