package io.deptcrypt.localkms.service;

/**
 * Every error localkms answers, with AWS's spelling (the {@code __type} of the error body and the
 * {@code x-amzn-ErrorType} header) and its HTTP status: 400 for every client error, as AWS KMS answers (the Smithy
 * model's 404/409 are not what the service sends); 500 only for localkms's own failures, which SDKs retry.
 */
public enum KmsErrorCode {
    ACCESS_DENIED("AccessDeniedException"),
    ALREADY_EXISTS("AlreadyExistsException"),
    DISABLED("DisabledException"),
    DRY_RUN_OPERATION("DryRunOperationException"),
    INCOMPLETE_SIGNATURE("IncompleteSignatureException"),
    INCORRECT_KEY("IncorrectKeyException"),
    INVALID_CIPHERTEXT("InvalidCiphertextException"),
    INVALID_GRANT_TOKEN("InvalidGrantTokenException"),
    INVALID_KEY_USAGE("InvalidKeyUsageException"),
    INVALID_MARKER("InvalidMarkerException"),
    INVALID_SIGNATURE("InvalidSignatureException"),
    INVALID_STATE("KMSInvalidStateException"),
    LIMIT_EXCEEDED("LimitExceededException"),
    MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocumentException"),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationTokenException"),
    NOT_AUTHORIZED("NotAuthorizedException"),
    NOT_FOUND("NotFoundException"),
    SERIALIZATION("SerializationException"),
    TAG("TagException"),
    UNKNOWN_OPERATION("UnknownOperationException"),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException"),
    UNSUPPORTED_OPERATION("UnsupportedOperationException"),
    VALIDATION("ValidationException"),
    INTERNAL("KMSInternalException", 500);

    private final String awsName;
    private final int httpStatus;

    KmsErrorCode(String awsName) {
        this(awsName, 400);
    }

    KmsErrorCode(String awsName, int httpStatus) {
        this.awsName = awsName;
        this.httpStatus = httpStatus;
    }

    /** The code as AWS spells it, e.g. {@code AccessDeniedException}. */
    public String awsName() {
        return awsName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** AWS sends AccessDeniedException's text as {@code Message}, every other error's as {@code message}. */
    public String messageMember() {
        return this == ACCESS_DENIED ? "Message" : "message";
    }
}
