package io.deptcrypt.devstack;

import io.deptcrypt.crypto.DeptcryptCryptoException;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.avro.Envelope;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * One application's attempt to open another department's record with its own KMS credentials, exactly as its
 * consumer would (Opener over the KMS keyrings). Governance says it must be denied by KMS.
 *
 * @param application the application whose credentials were used
 * @param department  the record's department
 * @param eventId     the record's event id
 * @param outcome     what happened
 * @param message     KMS's message for a denial, else the error or "opened"
 */
public record CrossRead(String application, String department, String eventId, Outcome outcome, String message) {

    public enum Outcome {
        /** KMS answered AccessDeniedException: what governance requires. */
        DENIED,
        /** The record was opened: governance is not enforced. */
        OPENED,
        /** Some other failure (KMS unreachable, bad envelope): proves nothing. */
        FAILED
    }

    public boolean denied() {
        return outcome == Outcome.DENIED;
    }

    /** Tries to open {@code envelope} (read from {@code topic}) as {@code application}. */
    public static CrossRead attempt(Stack stack, String application, Envelope envelope, String topic) {
        String department = envelope.getDepartment().toString();
        String eventId = envelope.getEventId().toString();
        try (KmsClient kms = stack.kmsClientAs(application)) {
            Opener opener = Opener.create(new KmsKeyringProvider(kms, stack.governance()), OpenerConfig.defaults());
            byte[] plaintext = opener.open(envelope, topic);
            java.util.Arrays.fill(plaintext, (byte) 0);
            return new CrossRead(application, department, eventId, Outcome.OPENED, "opened");
        } catch (KmsAccessDeniedException e) {
            return new CrossRead(application, department, eventId, Outcome.DENIED, e.kmsMessage());
        } catch (DeptcryptCryptoException e) {
            return new CrossRead(application, department, eventId, Outcome.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
