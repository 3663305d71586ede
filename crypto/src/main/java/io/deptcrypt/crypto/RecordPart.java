package io.deptcrypt.crypto;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One part of an AES_GCM_V2 record as {@link Sealer#sealParts} seals it: the audiences whose data key seals it (one
 * data key per audience set, wrapped for each), the fields it carries (JSON Pointers; empty for a one-part record of
 * the whole event) and its plaintext. {@link FieldParts#split} makes them from an event and its type.
 * {@link #toString()} leaves the plaintext out.
 */
public record RecordPart(SortedSet<String> audiences, List<String> fields, byte[] plaintext) {

    public RecordPart {
        Objects.requireNonNull(plaintext, "plaintext");
        audiences = Collections.unmodifiableSortedSet(new TreeSet<>(audiences));
        fields = List.copyOf(fields);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a record part needs at least one audience");
        }
    }

    @Override
    public String toString() {
        return "RecordPart[audiences=" + audiences + ", fields=" + fields + ", plaintext=" + plaintext.length
                + " bytes]";
    }
}
