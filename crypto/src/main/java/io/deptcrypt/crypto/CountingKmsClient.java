package io.deptcrypt.crypto;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsServiceClientConfiguration;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * Counts the three KMS operations the Material Providers keyrings use, then delegates. Counted before the call, so
 * failed and throttled attempts count too (one count per SDK call; the SDK's own retries inside a call are not
 * counted separately). Each call's duration and outcome go to the {@link KmsCallObserver}s afterwards. Every other
 * operation is refused: the keyrings need no other.
 */
final class CountingKmsClient implements KmsClient {

    private final KmsClient delegate;
    private final AtomicLong generateDataKey = new AtomicLong();
    private final AtomicLong encrypt = new AtomicLong();
    private final AtomicLong decrypt = new AtomicLong();
    private final List<KmsCallObserver> observers = new CopyOnWriteArrayList<>();

    CountingKmsClient(KmsClient delegate) {
        this.delegate = delegate;
    }

    KmsCallCounts counts() {
        return new KmsCallCounts(generateDataKey.get(), encrypt.get(), decrypt.get());
    }

    AutoCloseable observe(KmsCallObserver observer) {
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    @Override
    public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
        generateDataKey.incrementAndGet();
        return timed(KmsOperation.GENERATE_DATA_KEY, () -> delegate.generateDataKey(request));
    }

    @Override
    public EncryptResponse encrypt(EncryptRequest request) {
        encrypt.incrementAndGet();
        return timed(KmsOperation.ENCRYPT, () -> delegate.encrypt(request));
    }

    @Override
    public DecryptResponse decrypt(DecryptRequest request) {
        decrypt.incrementAndGet();
        return timed(KmsOperation.DECRYPT, () -> delegate.decrypt(request));
    }

    private <T> T timed(KmsOperation operation, Supplier<T> call) {
        if (observers.isEmpty()) {
            return call.get();
        }
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.get();
            failed = false;
            return result;
        } finally {
            long nanos = System.nanoTime() - start;
            for (KmsCallObserver o : observers) {
                o.called(operation, nanos, failed);
            }
        }
    }

    @Override
    public KmsServiceClientConfiguration serviceClientConfiguration() {
        return delegate.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
