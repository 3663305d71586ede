package io.deptcrypt.testkit;

import io.deptcrypt.crypto.KeyringProvider;
import io.deptcrypt.crypto.KmsCallCounts;
import io.deptcrypt.crypto.KmsUnavailableException;
import io.deptcrypt.governance.KmsArn;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.model.OnDecryptInput;
import software.amazon.cryptography.materialproviders.model.OnDecryptOutput;
import software.amazon.cryptography.materialproviders.model.OnEncryptInput;
import software.amazon.cryptography.materialproviders.model.OnEncryptOutput;

/** Stands for a KMS outage: the first {@code failures} keyring calls throw KmsUnavailableException, then it works. */
public final class FlakyKeyringProvider implements KeyringProvider {
    private final KeyringProvider delegate;
    private final AtomicInteger failuresLeft;
    private final AtomicInteger calls = new AtomicInteger();

    public FlakyKeyringProvider(KeyringProvider delegate, int failures) {
        this.delegate = delegate;
        this.failuresLeft = new AtomicInteger(failures);
    }

    /** Keyring calls made, failed ones included. */
    public int calls() {
        return calls.get();
    }

    private void maybeFail() {
        calls.incrementAndGet();
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KmsUnavailableException("test: KMS throttled (ThrottlingException, HTTP 400)", null);
        }
    }

    @Override
    public IKeyring encryptKeyring(KmsArn key) {
        IKeyring real = delegate.encryptKeyring(key);
        return new IKeyring() {
            @Override
            public OnEncryptOutput OnEncrypt(OnEncryptInput input) {
                maybeFail();
                return real.OnEncrypt(input);
            }

            @Override
            public OnDecryptOutput OnDecrypt(OnDecryptInput input) {
                maybeFail();
                return real.OnDecrypt(input);
            }
        };
    }

    @Override
    public IKeyring decryptKeyring() {
        IKeyring real = delegate.decryptKeyring();
        return new IKeyring() {
            @Override
            public OnEncryptOutput OnEncrypt(OnEncryptInput input) {
                return real.OnEncrypt(input);
            }

            @Override
            public OnDecryptOutput OnDecrypt(OnDecryptInput input) {
                maybeFail();
                return real.OnDecrypt(input);
            }
        };
    }

    @Override
    public KmsCallCounts kmsCalls() {
        return delegate.kmsCalls();
    }
}
