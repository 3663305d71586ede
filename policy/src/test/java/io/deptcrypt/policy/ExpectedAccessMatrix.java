package io.deptcrypt.policy;

import io.deptcrypt.policy.KeyRole.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written access matrix of {@code config/governance.yaml} ({@code access-matrix.csv} beside this class's
 * resources): the oracle that the computed matrix, the rendered policies evaluated, and a running localkms are all
 * compared with. Shared with other modules' tests through this module's test jar.
 */
public final class ExpectedAccessMatrix {

    private ExpectedAccessMatrix() {}

    /** Every cell, in file order. */
    public static List<KmsAccess.Cell> cells() {
        List<KmsAccess.Cell> cells = new ArrayList<>();
        String text;
        try (InputStream in = ExpectedAccessMatrix.class.getResourceAsStream("/access-matrix.csv")) {
            if (in == null) {
                throw new IllegalStateException("access-matrix.csv is not on the test class path");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<KmsAction> columns = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split(",");
            if (columns == null) {
                columns = new ArrayList<>();
                for (int i = 2; i < f.length; i++) {
                    String op = f[i];
                    columns.add(List.of(KmsAction.values()).stream().filter(a -> a.operation().equals(op)).findFirst()
                            .orElseThrow(() -> new IllegalStateException("unknown operation column " + op)));
                }
                continue;
            }
            if (f.length != columns.size() + 2) {
                throw new IllegalStateException("access-matrix.csv: row has " + f.length + " fields: " + line);
            }
            for (int i = 0; i < columns.size(); i++) {
                cells.add(new KmsAccess.Cell(f[0], f[1], columns.get(i), Decision.ofSymbol(f[i + 2])));
            }
        }
        return cells;
    }
}
