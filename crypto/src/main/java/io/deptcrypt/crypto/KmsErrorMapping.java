package io.deptcrypt.crypto;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.KeyUnavailableException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.cryptography.materialproviders.model.CollectionOfErrors;
import software.amazon.cryptography.materialproviders.model.OpaqueError;
import software.amazon.cryptography.materialproviders.model.OpaqueWithTextError;

/**
 * Classifies what a keyring threw. The MPL wraps KMS SDK exceptions (in OpaqueError, CollectionOfErrors,
 * AwsCryptographicMaterialProvidersException), so the whole cause graph is searched for the KMS SDK exception:
 * <ul>
 *   <li>{@code AccessDeniedException} → {@link KmsAccessDeniedException}</li>
 *   <li>throttling, {@code KMSInternalException}, {@code DependencyTimeoutException}, {@code KeyUnavailableException},
 *       any 5xx, and client errors caused by I/O or API-call timeouts → {@link KmsUnavailableException}</li>
 *   <li>everything else (disabled key, unknown key, invalid ciphertext, wrong encryption context, …) →
 *       {@link EnvelopeException}</li>
 * </ul>
 */
final class KmsErrorMapping {

    private static final Pattern RESOURCE = Pattern.compile("on resource: (arn:[^\\s]+?)(?:\\s|$|\\.?\\s*because)");
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "ThrottlingException", "Throttling", "ThrottledException", "RequestLimitExceeded",
            "TooManyRequestsException", "KMSInternalException", "KmsInternalException", "DependencyTimeoutException",
            "KeyUnavailableException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
            "RequestTimeout", "RequestTimeoutException");

    private KmsErrorMapping() {}

    /**
     * @param operation what was attempted, for the message ("generate a data key", "unwrap a data key")
     * @param keyHint   the key the call was about, used when KMS's message does not name one
     */
    static DeptcryptCryptoException map(Throwable thrown, String operation, String keyHint) {
        AwsServiceException service = null;
        SdkClientException client = null;
        for (Throwable t : graph(thrown)) {
            if (t instanceof DeptcryptCryptoException d) {
                return d;
            }
            if (service == null && t instanceof AwsServiceException s) {
                service = s;
            } else if (client == null && t instanceof SdkClientException c) {
                client = c;
            }
        }
        if (service != null) {
            // The MPL re-creates modelled KMS exceptions without error details: fall back to the class name.
            String code = service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null
                    ? service.awsErrorDetails().errorCode() : service.getClass().getSimpleName();
            String kmsMessage = service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
                    || service.awsErrorDetails().errorMessage().isEmpty()
                    ? service.getMessage() : service.awsErrorDetails().errorMessage();
            if ("AccessDeniedException".equals(code)) {
                return new KmsAccessDeniedException(resource(kmsMessage, keyHint), kmsMessage, thrown);
            }
            if (service.isThrottlingException() || TRANSIENT_CODES.contains(code) || service.statusCode() >= 500
                    || service instanceof KmsInternalException || service instanceof DependencyTimeoutException
                    || service instanceof KeyUnavailableException) {
                return new KmsUnavailableException("KMS unavailable, could not " + operation + " with " + keyHint
                        + ": " + code + " (HTTP " + service.statusCode() + ")", thrown);
            }
            return new EnvelopeException("KMS refused to " + operation + " with " + keyHint + ": " + code + ": "
                    + kmsMessage, thrown);
        }
        if (client != null) {
            if (isTransientClientFailure(client)) {
                return new KmsUnavailableException("KMS unreachable, could not " + operation + " with " + keyHint
                        + ": " + client.getMessage(), thrown);
            }
            return new EnvelopeException("could not " + operation + " with " + keyHint + ": " + client.getMessage(),
                    thrown);
        }
        return new EnvelopeException("could not " + operation + " with " + keyHint + ": " + describe(thrown), thrown);
    }

    private static boolean isTransientClientFailure(SdkClientException client) {
        if (client instanceof ApiCallTimeoutException || client instanceof ApiCallAttemptTimeoutException
                || client.retryable()) {
            return true;
        }
        for (Throwable t = client.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String resource(String kmsMessage, String keyHint) {
        if (kmsMessage != null) {
            Matcher m = RESOURCE.matcher(kmsMessage);
            if (m.find()) {
                return m.group(1);
            }
        }
        return keyHint;
    }

    /** The MPL's own message, which names the failing step (its messages carry no key material). */
    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Every throwable reachable through causes, suppressed exceptions and the MPL's error wrappers, breadth first. */
    static Iterable<Throwable> graph(Throwable root) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> queue = new ArrayDeque<>();
        List<Throwable> order = new ArrayList<>();
        queue.add(root);
        while (!queue.isEmpty() && order.size() < 64) {
            Throwable t = queue.poll();
            if (t == null || !seen.add(t)) {
                continue;
            }
            order.add(t);
            if (t.getCause() != null) {
                queue.add(t.getCause());
            }
            if (t instanceof CollectionOfErrors c && c.list() != null) {
                queue.addAll(c.list());
            }
            if (t instanceof OpaqueError o && o.obj() instanceof Throwable inner) {
                queue.add(inner);
            }
            if (t instanceof OpaqueWithTextError o && o.obj() instanceof Throwable inner) {
                queue.add(inner);
            }
            for (Throwable s : t.getSuppressed()) {
                queue.add(s);
            }
        }
        return order;
    }
}
