/**
 * The per-department envelope (docs/wire-format.md).
 * <ul>
 *   <li>Sealing and opening: {@link io.deptcrypt.crypto.Sealer}, {@link io.deptcrypt.crypto.Opener} and their
 *       configs; the Kafka value ({@link io.deptcrypt.crypto.EnvelopeSerde}) and headers
 *       ({@link io.deptcrypt.crypto.EnvelopeHeaders}).</li>
 *   <li>One event for several audiences (docs/event-types.md): {@link io.deptcrypt.crypto.Sealer#sealParts} seals
 *       {@link io.deptcrypt.crypto.RecordPart}s into one AES_GCM_V2 record, one data key per audience set;
 *       {@link io.deptcrypt.crypto.FieldParts} splits a JSON event by its type's field rules and puts back what a
 *       reader may open.</li>
 *   <li>The wire format as named, versioned code: the persisted ids ({@link io.deptcrypt.crypto.WireFormat}), one
 *       class per ciphertext format ({@code AesGcmV1}, {@code EsdkMessageV1}), the AAD ({@code RecordAad}) and the
 *       canonical wrapped keys ({@code WrappedKeys}).</li>
 *   <li>Data keys: generated and unwrapped through Material Providers keyrings ({@code DataKeys}), a sealer's current
 *       key with its counter nonces ({@code DataKey}, {@code DeterministicNonces}), the opener's cache
 *       ({@code DataKeyCache}), and the destroyable plaintext key both share ({@code PlaintextDataKey}).</li>
 *   <li>The KMS SPI: {@link io.deptcrypt.crypto.KeyringProvider}, implemented over AWS KMS by
 *       {@link io.deptcrypt.crypto.KmsKeyringProvider}; KMS errors mapped to the exceptions callers act on; the calls
 *       counted ({@link io.deptcrypt.crypto.KmsCallCounts}) and observed for metrics
 *       ({@link io.deptcrypt.crypto.KmsCallObserver}). The raw AES test keyring lives in the testkit module.</li>
 * </ul>
 */
package io.deptcrypt.crypto;
