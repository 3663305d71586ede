package io.deptcrypt.crypto;

import java.util.concurrent.atomic.AtomicLong;
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
 * counted separately). Every other operation is refused: the keyrings need no other.
 */
final class CountingKmsClient implements KmsClient {

    private final KmsClient delegate;
    private final AtomicLong generateDataKey = new AtomicLong();
    private final AtomicLong encrypt = new AtomicLong();
    private final AtomicLong decrypt = new AtomicLong();

    CountingKmsClient(KmsClient delegate) {
        this.delegate = delegate;
    }

    KmsCallCounts counts() {
        return new KmsCallCounts(generateDataKey.get(), encrypt.get(), decrypt.get());
    }

    @Override
    public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
        generateDataKey.incrementAndGet();
        return delegate.generateDataKey(request);
    }

    @Override
    public EncryptResponse encrypt(EncryptRequest request) {
        encrypt.incrementAndGet();
        return delegate.encrypt(request);
    }

    @Override
    public DecryptResponse decrypt(DecryptRequest request) {
        decrypt.incrementAndGet();
        return delegate.decrypt(request);
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
