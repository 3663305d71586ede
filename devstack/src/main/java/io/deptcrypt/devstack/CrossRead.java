package io.deptcrypt.devstack;

import io.deptcrypt.crypto.DataKeyDirectory;
import io.deptcrypt.crypto.DeptcryptCryptoException;
import io.deptcrypt.crypto.KmsAccessDeniedException;
import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.crypto.OpenedRecord;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import java.util.Arrays;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * One application's attempt to open another department's record with its own KMS credentials, exactly as its
 * consumer would (Opener over the KMS keyrings, AES_GCM_V2 data keys from the keys topic). Governance says it must be
 * denied by KMS. The attempt reads as the record's department, so it gets as far as KMS: only the credentials differ.
 *
 * @param application the application whose credentials were used
 * @param department  the record's department (for a record with several audiences, the one it was read as)
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
        /** Some other failure (KMS unreachable, bad envelope, data key not on the keys topic): proves nothing. */
        FAILED
    }

    public boolean denied() {
        return outcome == Outcome.DENIED;
    }

    /**
     * Tries to open {@code record} (of any format, from the topic it was read from) as {@code application}.
     *
     * @param keys the keys topic's data keys, for AES_GCM_V2 records (see {@link TopicReader#keysDirectory})
     */
    public static CrossRead attempt(Stack stack, String application, DataKeyDirectory keys, SealedRecord record) {
        return attempt(stack, application, keys, record, record.department());
    }

    /**
     * Tries to open {@code record} as {@code application}, reading it as {@code department}: for a record with several
     * audiences, the audience whose parts are asked for (e.g. finance's, with sales' credentials).
     */
    public static CrossRead attempt(Stack stack, String application, DataKeyDirectory keys, SealedRecord record,
                                    String department) {
        String eventId = record.eventId();
        try (KmsClient kms = stack.kmsClientAs(application);
                Opener opener = Opener.create(new KmsKeyringProvider(kms, stack.governance()), OpenerConfig.defaults(),
                        keys)) {
            OpenedRecord opened = opener.open(record.topic(), record.value(), department, record.audienceHeader());
            Arrays.fill(opened.plaintext(), (byte) 0);
            return new CrossRead(application, department, eventId, Outcome.OPENED, "opened");
        } catch (KmsAccessDeniedException e) {
            return new CrossRead(application, department, eventId, Outcome.DENIED, e.kmsMessage());
        } catch (DeptcryptCryptoException e) {
            return new CrossRead(application, department, eventId, Outcome.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
