package io.deptcrypt.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * docs/event-types.md's worked example, re-opened with the plain JDK only, from the page's description: the stored
 * two-part record {@code aes_gcm_v2.parts.hex} and its two data key records, with the example's (public) data key.
 * No deptcrypt class is used to read it, so the page is enough for a reader in another language.
 */
class MultiPartExampleTest {

    static final byte[] DATA_KEY = HexFormat.of().parseHex(
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    static final String TOPIC = "deptcrypt.shared";

    @Test
    void theWorkedExampleOpensWithThePlainJdk() throws Exception {
        List<byte[]> sections = sections(Path.of("src", "test", "resources", "serialization", "aes_gcm_v2.parts.hex"));
        byte[] keyRecord1 = sections.get(0);
        byte[] keyRecord2 = sections.get(1);
        ByteBuffer v = ByteBuffer.wrap(sections.get(2));

        assertThat(v.get() & 0xff).as("magic").isEqualTo(0xDC);
        assertThat(v.get()).as("version 2, as an Avro zig-zag varint").isEqualTo((byte) 0x04);
        assertThat(v.get()).as("content type application/json").isEqualTo((byte) 0x01);
        assertThat(v.getLong()).as("timestamp").isEqualTo(1_767_225_600_000L);
        byte[] eventId = new byte[v.getShort() & 0xffff];
        v.get(eventId);
        assertThat(new String(eventId, StandardCharsets.UTF_8)).isEqualTo("stored-form-1");
        int parts = v.get() & 0xff;
        assertThat(parts).isEqualTo(2);
        byte[][] ids = new byte[parts][16];
        List<List<String>> fields = new ArrayList<>();
        byte[][] nonces = new byte[parts][12];
        int[] lengths = new int[parts];
        for (int k = 0; k < parts; k++) {
            v.get(ids[k]);
            int f = v.get() & 0xff;
            List<String> names = new ArrayList<>();
            for (int i = 0; i < f; i++) {
                byte[] name = new byte[v.get() & 0xff];
                v.get(name);
                names.add(new String(name, StandardCharsets.UTF_8));
            }
            fields.add(names);
            v.get(nonces[k]);
            lengths[k] = v.getInt();
        }
        int headerLength = v.position();
        assertThat(fields).containsExactly(List.of(""), List.of("/iban"));
        // each part names its data key record by id: the 16 bytes after the key record's 0xDD and varint 1 (0x02)
        assertThat(ByteBuffer.wrap(keyRecord1, 2, 16)).isEqualTo(ByteBuffer.wrap(ids[0]));
        assertThat(ByteBuffer.wrap(keyRecord2, 2, 16)).isEqualTo(ByteBuffer.wrap(ids[1]));

        byte[][] records = {keyRecord1, keyRecord2};
        List<String> plaintexts = new ArrayList<>();
        for (int k = 0; k < parts; k++) {
            byte[] ciphertext = new byte[lengths[k]];
            v.get(ciphertext);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(DATA_KEY, "AES"), new GCMParameterSpec(128, nonces[k]));
            byte[] topic = TOPIC.getBytes(StandardCharsets.UTF_8);
            gcm.updateAAD("deptcrypt-v2-part".getBytes(StandardCharsets.US_ASCII));
            gcm.updateAAD(ByteBuffer.allocate(4).putInt(topic.length).array());
            gcm.updateAAD(topic);
            gcm.updateAAD(ByteBuffer.allocate(4).putInt(k).array());
            gcm.updateAAD(MessageDigest.getInstance("SHA-256").digest(records[k]));
            gcm.updateAAD(sections.get(2), 0, headerLength);
            plaintexts.add(new String(gcm.doFinal(ciphertext), StandardCharsets.UTF_8));
        }
        assertThat(v.hasRemaining()).isFalse();
        assertThat(plaintexts).containsExactly("{\"amount\":42}", "[\"DE00 1234\"]");
    }

    static List<byte[]> sections(Path file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        StringBuilder hex = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                if (hex != null) {
                    out.add(HexFormat.of().parseHex(hex));
                }
                hex = new StringBuilder();
            } else if (hex != null) {
                hex.append(line.strip());
            }
        }
        out.add(HexFormat.of().parseHex(hex));
        return out;
    }
}
