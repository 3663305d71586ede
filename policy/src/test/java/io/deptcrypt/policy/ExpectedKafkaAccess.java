package io.deptcrypt.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written topic access of {@code config/governance.yaml} ({@code kafka-access-matrix.csv}): the oracle the
 * computed Kafka matrix and a real broker enforcing the rendered ACLs are compared with.
 */
public final class ExpectedKafkaAccess {

    /** One row: may {@code application} read / write {@code topic}. */
    public record Row(String application, String topic, boolean read, boolean write) {}

    private ExpectedKafkaAccess() {}

    public static List<Row> rows() {
        String text;
        try (InputStream in = ExpectedKafkaAccess.class.getResourceAsStream("/kafka-access-matrix.csv")) {
            if (in == null) {
                throw new IllegalStateException("kafka-access-matrix.csv is not on the test class path");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Row> rows = new ArrayList<>();
        boolean header = true;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] f = line.trim().split(",");
            rows.add(new Row(f[0], f[1], f[2].equals("yes"), f[3].equals("yes")));
        }
        return rows;
    }
}
