package io.deptcrypt.crypto;

/** The KMS operations the Material Providers keyrings make; {@link #awsName()} is the name in AWS's API and logs. */
public enum KmsOperation {
    GENERATE_DATA_KEY("GenerateDataKey"),
    ENCRYPT("Encrypt"),
    DECRYPT("Decrypt");

    private final String awsName;

    KmsOperation(String awsName) {
        this.awsName = awsName;
    }

    /** As AWS spells it (CloudTrail's eventName, the KMS API action). */
    public String awsName() {
        return awsName;
    }
}
