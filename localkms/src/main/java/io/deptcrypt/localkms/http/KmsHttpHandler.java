package io.deptcrypt.localkms.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.deptcrypt.localkms.AccessKey;
import io.deptcrypt.localkms.policy.Principal;
import io.deptcrypt.localkms.service.AuditEntry;
import io.deptcrypt.localkms.service.AuditLog;
import io.deptcrypt.localkms.service.KmsErrorCode;
import io.deptcrypt.localkms.service.KmsException;
import io.deptcrypt.localkms.service.KmsRequest;
import io.deptcrypt.localkms.service.KmsService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS JSON 1.1 front door: {@code POST /} with {@code X-Amz-Target: TrentService.<Operation>} (or localkms's own
 * {@code DeptcryptLocalIam.SyncPrincipals}). Reads at most 64 KiB, verifies SigV4, parses the JSON body, runs the
 * operation and answers either the result or {@code {"__type": <code>, "message": <text>}} (HTTP 400; 500 only for
 * localkms's own failures). Every call, allowed or not, leaves one audit line.
 */
public final class KmsHttpHandler implements HttpHandler {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final Logger LOG = LoggerFactory.getLogger(KmsHttpHandler.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final KmsService service;
    private final SigV4Verifier verifier;
    private final AuditLog auditLog;
    private final String account;
    private final Clock clock;

    public KmsHttpHandler(KmsService service, SigV4Verifier verifier, AuditLog auditLog, String account, Clock clock) {
        this.service = service;
        this.verifier = verifier;
        this.auditLog = auditLog;
        this.account = account;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        InetSocketAddress remote = exchange.getRemoteAddress();
        AuditEntry audit = new AuditEntry(clock.instant(), requestId, remote == null ? null : remote.getAddress().getHostAddress());
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = KmsService.operationName(target);
        audit.operation(operation);
        int status = 200;
        byte[] response;
        KmsErrorCode errorCode = null;
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                throw new KmsException(KmsErrorCode.UNKNOWN_OPERATION, "localkms answers only POST / with X-Amz-Target:"
                        + " TrentService.<Operation> (AWS JSON 1.1); got " + exchange.getRequestMethod());
            }
            byte[] body = readBody(exchange);
            AccessKey key = verifier.verify(exchange.getRequestMethod(), exchange.getRequestURI(),
                    name -> {
                        List<String> v = exchange.getRequestHeaders().get(name);
                        return v == null ? List.of() : v;
                    }, body);
            audit.caller(key.application(), key.principalArn(), key.accessKeyId());
            if (target == null) {
                throw new KmsException(KmsErrorCode.UNKNOWN_OPERATION,
                        "Missing X-Amz-Target header (expected TrentService.<Operation>)");
            }
            service.operation(target); // an unknown target is refused before its body is parsed
            KmsRequest request = new KmsRequest(parse(body));
            Principal caller = new Principal(key.application(), key.principalArn(), account);
            ObjectNode result = service.handle(target, caller, request, audit);
            response = JSON.writeValueAsBytes(result);
        } catch (KmsException e) {
            errorCode = e.code();
            response = error(errorCode, e.getMessage());
        } catch (UncheckedIOException e) {
            errorCode = KmsErrorCode.INTERNAL;
            LOG.error("request {} ({}) failed to persist state: {}", requestId, operation, e.getMessage());
            response = error(errorCode, "localkms could not persist the change; see its log (request " + requestId + ")");
        } catch (RuntimeException e) {
            errorCode = KmsErrorCode.INTERNAL;
            LOG.error("request {} ({}) failed", requestId, operation, e);
            response = error(errorCode, "localkms internal error; see its log (request " + requestId + ")");
        }
        if (errorCode != null) {
            audit.failed(errorCode);
            status = errorCode.httpStatus();
        }
        auditLog.write(audit);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        if (errorCode != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorCode.awsName());
        }
        try {
            exchange.sendResponseHeaders(status, response.length);
            exchange.getResponseBody().write(response);
        } finally {
            exchange.close();
        }
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw KmsException.serialization("Content-Length '" + declared + "' is not a number");
            }
            if (length > MAX_BODY_BYTES) {
                throw tooLarge(exchange, length);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge(exchange, -1);
            }
            return body;
        }
    }

    private static KmsException tooLarge(HttpExchange exchange, long length) {
        // The rest of the body is not read, so the server drops the connection after answering: say so, or a
        // client that pools connections would send its next request on a dead one (connection reset).
        exchange.getResponseHeaders().set("Connection", "close");
        return KmsException.validation("Request body " + (length >= 0 ? "of " + length + " bytes " : "")
                + "exceeds the " + MAX_BODY_BYTES + "-byte limit");
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw KmsException.serialization("Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw KmsException.serialization("Request body cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw KmsException.serialization("Request body must be a JSON object"
                    + (node == null ? "" : ", got " + node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return node;
    }

    private static byte[] error(KmsErrorCode code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("__type", code.awsName());
        n.put(code.messageMember(), message);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            return ("{\"__type\":\"" + code.awsName() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

}
