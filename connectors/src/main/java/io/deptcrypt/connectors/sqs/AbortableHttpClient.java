package io.deptcrypt.connectors.sqs;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Wraps an SDK HTTP client so that {@link #abortAll()} can cut requests in progress. A long poll blocks in a
 * socket read that neither thread interrupts nor closing the Apache client end; aborting the request does,
 * so a stopping task does not wait up to 20 s for its receivers.
 */
final class AbortableHttpClient implements SdkHttpClient {

    private final SdkHttpClient delegate;
    private final Set<ExecutableHttpRequest> running = ConcurrentHashMap.newKeySet();
    private volatile boolean aborted;

    AbortableHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest inner = delegate.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                running.add(inner);
                try {
                    if (aborted) {
                        throw new IOException("request aborted: the task is stopping");
                    }
                    return inner.call();
                } finally {
                    running.remove(inner);
                }
            }

            @Override
            public void abort() {
                inner.abort();
            }
        };
    }

    /** Aborts every request in progress and refuses new ones. */
    void abortAll() {
        aborted = true;
        running.forEach(ExecutableHttpRequest::abort);
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        abortAll();
        delegate.close();
    }
}
