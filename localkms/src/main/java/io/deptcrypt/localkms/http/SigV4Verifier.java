package io.deptcrypt.localkms.http;

import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.service.KmsErrorCode;
import io.deptcrypt.localkms.service.KmsException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 ({@code AWS4-HMAC-SHA256} in the {@code Authorization} header) the way AWS does:
 * rebuilds the canonical request from what was received (hashing the body itself, never trusting
 * {@code x-amz-content-sha256}), derives the signing key from the caller's secret and compares signatures in constant
 * time. The request time must be within 15 minutes of the server clock, the scope must name this region and service,
 * and {@code host} must be signed.
 */
public final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();
    private static final String BAD_SIGNATURE = "The request signature we calculated does not match the signature you"
            + " provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /** Header access independent of the HTTP server: all values of a header, by case-insensitive name. */
    public interface Headers {
        List<String> values(String name);
    }

    private final String region;
    private final String service;
    private final Clock clock;
    private final Function<String, Optional<AccessKey>> accessKeys;
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    public SigV4Verifier(String region, String service, Clock clock, Function<String, Optional<AccessKey>> accessKeys) {
        this.region = region;
        this.service = service;
        this.clock = clock;
        this.accessKeys = accessKeys;
    }

    /**
     * @return the access key that signed the request
     * @throws KmsException MissingAuthenticationTokenException, IncompleteSignatureException,
     *                      UnrecognizedClientException or InvalidSignatureException
     */
    public AccessKey verify(String method, URI uri, Headers headers, byte[] body) {
        String authorization = single(headers, "authorization");
        if (authorization == null) {
            throw new KmsException(KmsErrorCode.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
        }
        if (!authorization.startsWith(ALGORITHM + " ")) {
            String algorithm = authorization.split(" ", 2)[0];
            throw new KmsException(KmsErrorCode.INCOMPLETE_SIGNATURE, "Unsupported AWS 'algorithm': '" + algorithm
                    + "' (only " + ALGORITHM + " is accepted)");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : authorization.substring(ALGORITHM.length() + 1).split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2) {
                parts.put(kv[0].trim(), kv[1].trim());
            }
        }
        List<String> missing = new ArrayList<>();
        for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
            if (!parts.containsKey(required) || parts.get(required).isEmpty()) {
                missing.add("Authorization header requires '" + required + "' parameter.");
            }
        }
        String amzDate = single(headers, "x-amz-date");
        if (amzDate == null) {
            missing.add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!missing.isEmpty()) {
            throw new KmsException(KmsErrorCode.INCOMPLETE_SIGNATURE, String.join(" ", missing)
                    + " Authorization=" + ALGORITHM + " (parameters: " + parts.keySet() + ")");
        }
        String[] scope = parts.get("Credential").split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw new KmsException(KmsErrorCode.INCOMPLETE_SIGNATURE, "Credential must have the form"
                    + " <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request, got '" + redactScope(scope) + "'");
        }
        Instant requestTime;
        try {
            requestTime = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new KmsException(KmsErrorCode.INCOMPLETE_SIGNATURE, "X-Amz-Date '" + amzDate + "' is not of the form yyyyMMdd'T'HHmmss'Z'");
        }
        AccessKey key = accessKeys.apply(scope[0]).orElseThrow(() ->
                new KmsException(KmsErrorCode.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."));
        if (!headers.values("x-amz-security-token").isEmpty()) {
            // localkms issues long-term keys only; a session token belongs to credentials from somewhere else.
            throw new KmsException(KmsErrorCode.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
        }
        if (!amzDate.startsWith(scope[1])) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from"
                    + " ISO-8601 version of date from HTTP: '" + scope[1] + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        if (!scope[2].equals(region)) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "Credential should be scoped to a valid region, not '"
                    + scope[2] + "' (this localkms serves " + region + ").");
        }
        if (!scope[3].equals(service)) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "Credential should be scoped to correct service: '" + service + "'.");
        }
        Instant now = clock.instant();
        if (requestTime.isBefore(now.minus(SKEW))) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "Signature expired: " + amzDate + " is now earlier than "
                    + format(now.minus(SKEW)) + " (" + format(now) + " - 15 min.)");
        }
        if (requestTime.isAfter(now.plus(SKEW))) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "Signature not yet current: " + amzDate + " is still later than "
                    + format(now.plus(SKEW)) + " (" + format(now) + " + 15 min.)");
        }
        List<String> signedHeaders = List.of(parts.get("SignedHeaders").split(";"));
        if (!signedHeaders.contains("host")) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (signedHeaders.contains("authorization")) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "The Authorization header cannot itself be signed.");
        }
        String payloadHash = HEX.formatHex(sha256(body));
        String claimedHash = single(headers, "x-amz-content-sha256");
        if (claimedHash != null && !claimedHash.equalsIgnoreCase(payloadHash)) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        StringBuilder canonical = new StringBuilder(512);
        canonical.append(method).append('\n');
        canonical.append(canonicalUri(uri.getRawPath())).append('\n');
        canonical.append(canonicalQuery(uri.getRawQuery())).append('\n');
        for (String name : signedHeaders) {
            List<String> values = headers.values(name);
            if (values.isEmpty()) {
                throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, BAD_SIGNATURE);
            }
            canonical.append(name.toLowerCase(Locale.ROOT)).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    canonical.append(',');
                }
                canonical.append(values.get(i).trim().replaceAll("\\s+", " "));
            }
            canonical.append('\n');
        }
        canonical.append('\n').append(parts.get("SignedHeaders")).append('\n').append(payloadHash);
        String credentialScope = scope[1] + "/" + scope[2] + "/" + scope[3] + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + credentialScope + "\n"
                + HEX.formatHex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] expected = hmac(signingKey(key, scope[1]), stringToSign);
        byte[] given;
        try {
            given = HEX.parseHex(parts.get("Signature").toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, BAD_SIGNATURE);
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new KmsException(KmsErrorCode.INVALID_SIGNATURE, BAD_SIGNATURE);
        }
        return key;
    }

    private byte[] signingKey(AccessKey key, String date) {
        String cacheKey = key.accessKeyId() + '/' + date;
        byte[] cached = signingKeys.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        byte[] k = hmac(("AWS4" + key.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, region);
        k = hmac(k, service);
        k = hmac(k, "aws4_request");
        if (signingKeys.size() > 10_000) {
            signingKeys.clear();
        }
        signingKeys.put(cacheKey, k);
        return k;
    }

    /** Forgets cached signing keys (call when access keys change). */
    public void clearCache() {
        signingKeys.clear();
    }

    /** Non-S3 services sign the path URI-encoded once more, segment by segment. */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder b = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(uriEncode(segments[i]));
        }
        return b.toString();
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String p : rawQuery.split("&")) {
            String[] kv = p.split("=", 2);
            params.add(new String[] {kv[0], kv.length == 2 ? kv[1] : ""});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder b = new StringBuilder();
        for (String[] p : params) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(p[0]).append('=').append(p[1]);
        }
        return b.toString();
    }

    static String uriEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private static String single(Headers headers, String name) {
        List<String> v = headers.values(name);
        return v.isEmpty() ? null : v.get(0);
    }

    private static String redactScope(String[] scope) {
        return String.join("/", scope);
    }

    private static String format(Instant t) {
        return AMZ_DATE.format(t.atOffset(ZoneOffset.UTC));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
