package io.deptcrypt.localkms;

/**
 * The SigV4 credentials localkms issued to one governance application. Use them with the AWS SDK as
 * {@code StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey()))}.
 * {@link #toString()} never shows the secret.
 *
 * @param application     the governance application name
 * @param principalArn    the IAM role ARN the application acts as (what key policies and grants name)
 * @param accessKeyId     {@code AKIA} followed by 16 upper-case base32 characters
 * @param secretAccessKey 40 characters of base64 alphabet
 */
public record AccessKey(String application, String principalArn, String accessKeyId, String secretAccessKey) {

    @Override
    public String toString() {
        return "AccessKey[application=" + application + ", principalArn=" + principalArn + ", accessKeyId=" + accessKeyId + "]";
    }
}
