package io.deptcrypt.crypto;

import java.util.List;

/**
 * The record is not sealed for the reader that asked to open it: its data key's audiences (version 1: its
 * department) do not include the reader's department. For a consumer that filtered by header this means the header
 * lied or was missing; a consumer without headers simply passes the record over. Nothing was asked of KMS.
 */
public class NotForReaderException extends EnvelopeException {
    private static final long serialVersionUID = 1L;

    private final List<String> audiences;

    public NotForReaderException(String reader, List<String> audiences, String where) {
        super("the record is sealed for " + audiences + ", not for '" + reader + "'" + where);
        this.audiences = List.copyOf(audiences);
    }

    /** Who the record is for. */
    public List<String> audiences() {
        return audiences;
    }
}
