package io.deptcrypt.localkms.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.state.CredentialsFile;
import io.deptcrypt.localkms.state.StateFile;
import io.deptcrypt.localkms.state.StateStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The dispatcher: maps each {@code X-Amz-Target} ({@code TrentService.<Operation>} for the KMS operations,
 * {@code DeptcryptLocalIam.SyncPrincipals} for localkms's IAM stand-in) to its handler, and runs
 * {@link Housekeeping} before each call. The handlers live in {@link KeyOperations}, {@link KeyPolicyOperations},
 * {@link RotationOperations}, {@link AliasOperations}, {@link CryptoOperations}, {@link GrantOperations} and
 * {@link LocalIamOperations}; every authorization decision in {@link Authorizer}.
 */
public final class KmsService {

    public static final String KMS_TARGET_PREFIX = "TrentService.";
    public static final String LOCAL_IAM_TARGET_PREFIX = "DeptcryptLocalIam.";

    private final Housekeeping housekeeping;
    private final Map<String, Operation> byTarget = new LinkedHashMap<>();
    private final String implemented;

    /**
     * @param keys        shared with the start-up reconciliation, which creates governance keys the same way
     * @param credentials rewritten after every principal sync
     */
    public KmsService(ServiceSettings settings, StateStore store, StateFile naming, AuditLog auditLog, KeyFactory keys,
                      CredentialsFile credentials) {
        this.housekeeping = new Housekeeping(settings, store, auditLog);
        Authorizer authorizer = new Authorizer(settings.rootMeansAccount());
        KeyResolver resolver = new KeyResolver(settings, naming);
        KeyMutation mutation = new KeyMutation(store, resolver, authorizer);
        Map<String, Operation> kms = new LinkedHashMap<>();
        kms.putAll(new KeyOperations(settings, store, naming, keys, resolver, authorizer, mutation).operations());
        kms.putAll(new KeyPolicyOperations(store, keys, resolver, authorizer, mutation).operations());
        kms.putAll(new RotationOperations(settings, store, resolver, authorizer, mutation).operations());
        kms.putAll(new AliasOperations(settings, store, resolver, authorizer).operations());
        kms.putAll(new CryptoOperations(store, resolver, authorizer).operations());
        kms.putAll(new GrantOperations(settings, store, resolver, authorizer).operations());
        Map<String, Operation> iam = new LocalIamOperations(settings, store, authorizer, credentials).operations();
        kms.forEach((name, op) -> byTarget.put(KMS_TARGET_PREFIX + name, op));
        iam.forEach((name, op) -> byTarget.put(LOCAL_IAM_TARGET_PREFIX + name, op));
        this.implemented = KMS_TARGET_PREFIX + "<one of " + new TreeSet<>(kms.keySet()) + ">, and localkms's own "
                + new TreeSet<>(iam.keySet()).stream().map(n -> LOCAL_IAM_TARGET_PREFIX + n).toList();
    }

    /**
     * The handler of {@code target}.
     *
     * @throws KmsException UnknownOperationException listing what localkms implements
     */
    public Operation operation(String target) {
        Operation op = target == null ? null : byTarget.get(target);
        if (op == null) {
            throw new KmsException(KmsErrorCode.UNKNOWN_OPERATION, "Unknown operation " + target + " (localkms implements "
                    + implemented + ")");
        }
        return op;
    }

    /** The operation part of a target ({@code Decrypt} of {@code TrentService.Decrypt}), as the audit log names it. */
    public static String operationName(String target) {
        if (target == null) {
            return null;
        }
        for (String prefix : new String[] {KMS_TARGET_PREFIX, LOCAL_IAM_TARGET_PREFIX}) {
            if (target.startsWith(prefix)) {
                return target.substring(prefix.length());
            }
        }
        return target;
    }

    /**
     * Runs one operation.
     *
     * @throws KmsException with the AWS error to answer (UnknownOperationException for an unsupported target)
     */
    public ObjectNode handle(String target, Principal caller, KmsRequest request, AuditEntry audit) {
        Operation op = operation(target);
        housekeeping.run();
        return op.handle(caller, request, audit);
    }
}
