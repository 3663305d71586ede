package io.deptcrypt.crypto;

import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.cryptography.materialproviders.model.ESDKAlgorithmSuiteId;

/**
 * The identifiers every record carries, mapped to what they mean, in one place (docs/wire-format.md). Both are
 * persisted, so a value never changes meaning:
 * <ul>
 *   <li>{@link Version}: the envelope layout. Version 1 is the Avro record (persisted as {@code Envelope.formatVersion},
 *       an Avro int); version 2 is the compact layout of {@link AesGcmV2}, whose second byte {@link AesGcmV2#VERSION_BYTE}
 *       is the Avro zig-zag encoding of 2, so that a version 1 reader sees "formatVersion 2" and refuses it.</li>
 *   <li>{@link Format}: how the ciphertext is made, the Avro enum {@link EnvelopeFormatId}: in version 1 persisted as
 *       {@code Envelope.format} (its symbol's index; its symbol's name is part of the AAD); AES_GCM_V2 is version 2's
 *       only format, named in the data key's record on the keys topic.</li>
 * </ul>
 * The first byte of the Kafka value, {@link EnvelopeSerde#MAGIC}, says that an envelope follows at all; the first
 * byte of a keys-topic value, {@link PublishedDataKey#MAGIC}, that a data key's record follows.
 * <p>
 * A new layout or format adds a constant here, a new Avro enum symbol goes at the end of the list in Envelope.avsc
 * (existing indexes stay), and a stored serialized form under {@code crypto/src/test/resources/serialization/}
 * keeps its bytes visible. {@code WireFormatIdsTest} pins every persisted id.
 */
public final class WireFormat {

    private WireFormat() {}

    /** The envelope layout: {@code Envelope.formatVersion}. */
    public enum Version {
        /** The Avro record {@code io.deptcrypt.crypto.avro.Envelope} of Envelope.avsc: self-contained. */
        V1(1),
        /** The compact layout of {@link AesGcmV2}: data keys by reference to the keys topic, a part table. */
        V2(2);

        /** The layout of AES_GCM_V1 and ESDK_MESSAGE_V1 records (and dead letters, always). */
        public static final Version CURRENT = V1;

        private final int id;

        Version(int id) {
            this.id = id;
        }

        /** The persisted value. */
        public int id() {
            return id;
        }

        /** The version persisted as {@code id}; empty if this reader does not know it. */
        public static Optional<Version> fromId(int id) {
            return Arrays.stream(values()).filter(v -> v.id == id).findFirst();
        }

        /** The persisted values this reader understands, for error messages. */
        public static List<Integer> knownIds() {
            return Arrays.stream(values()).map(Version::id).toList();
        }
    }

    /** How the ciphertext is made: {@code Envelope.format}. */
    public enum Format {
        /**
         * AES-256-GCM under the data key itself ({@link AesGcmV1}); the data key comes from keyring materials of the
         * ESDK suite that says exactly that: 32-byte key, no KDF, no signature (suite id 0x0078).
         */
        AES_GCM_V1(EnvelopeFormatId.AES_GCM_V1, ESDKAlgorithmSuiteId.ALG_AES_256_GCM_IV12_TAG16_NO_KDF),
        /** A standard AWS Encryption SDK message ({@link EsdkMessageV1}), committing and unsigned (suite id 0x0478). */
        ESDK_MESSAGE_V1(EnvelopeFormatId.ESDK_MESSAGE_V1, ESDKAlgorithmSuiteId.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY),
        /**
         * Version 2's format ({@link AesGcmV2}): AES-256-GCM per part under a data key published on the keys topic;
         * the data key is used directly, as in AES_GCM_V1 (suite id 0x0078).
         */
        AES_GCM_V2(EnvelopeFormatId.AES_GCM_V2, ESDKAlgorithmSuiteId.ALG_AES_256_GCM_IV12_TAG16_NO_KDF);

        private final EnvelopeFormatId id;
        private final ESDKAlgorithmSuiteId dataKeySuite;

        Format(EnvelopeFormatId id, ESDKAlgorithmSuiteId dataKeySuite) {
            this.id = id;
            this.dataKeySuite = dataKeySuite;
        }

        /** The persisted value. */
        public EnvelopeFormatId id() {
            return id;
        }

        /** The algorithm suite of the keyring materials that make and unwrap this format's data keys. */
        public ESDKAlgorithmSuiteId dataKeySuite() {
            return dataKeySuite;
        }

        /** The layout records of this format have. */
        public Version version() {
            return this == AES_GCM_V2 ? Version.V2 : Version.V1;
        }

        public static Format of(EnvelopeFormatId id) {
            for (Format f : values()) {
                if (f.id == id) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no deptcrypt format for envelope format " + id);
        }
    }
}
