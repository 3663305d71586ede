package io.deptcrypt.crypto;

import io.deptcrypt.governance.KmsArn;
import software.amazon.cryptography.materialproviders.IKeyring;

/**
 * The narrow KMS SPI: where data keys are generated, wrapped and unwrapped. Implementations build Material Providers
 * keyrings; deptcrypt never wraps keys itself.
 */
public interface KeyringProvider {

    /** A keyring that generates a data key and wraps it under {@code key} (a key ARN or alias ARN). */
    IKeyring encryptKeyring(KmsArn key);

    /** A keyring that unwraps whatever data keys this application's credentials allow. */
    IKeyring decryptKeyring();

    /** KMS calls made through this provider's keyrings so far. */
    KmsCallCounts kmsCalls();

    /**
     * Tells {@code observer} of every KMS call from now on, until the returned handle is closed. A provider that
     * makes no KMS calls (the raw AES test keyrings) keeps this default, which observes nothing.
     */
    default AutoCloseable observeKmsCalls(KmsCallObserver observer) {
        return () -> { };
    }
}
