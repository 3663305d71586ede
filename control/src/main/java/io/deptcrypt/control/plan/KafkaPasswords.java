package io.deptcrypt.control.plan;

import java.security.SecureRandom;
import java.util.Base64;

/** Passwords apply gives new Kafka users: 24 random bytes, URL-safe base64 (no characters JAAS would need quoted). */
public final class KafkaPasswords {

    static final int ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KafkaPasswords() {}

    public static String generate() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
