package io.deptcrypt.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;

/**
 * A real Kafka Connect worker in distributed mode running in this JVM, driven through its REST API as
 * in production. Connector plugins on the classpath are available to it.
 *
 * <p>Its config, offset and status topics live on the given cluster (replication factor 1 when only its bootstrap
 * servers are given, the cluster's when it is an {@link EmbeddedKafka}); a worker started again with the same
 * {@code group.id} picks up the connectors it had. On a secured cluster the worker authenticates as the principal
 * whose client settings it is given, and its connectors' clients do too.
 */
public final class EmbeddedConnect implements AutoCloseable {

    public static final String DEFAULT_GROUP_ID = "deptcrypt-connect";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> CONNECTOR_CLIENT_PREFIXES = List.of("producer.", "consumer.", "admin.");

    private final Connect<DistributedHerder> connect;
    private final URI restUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile boolean stopped;

    private EmbeddedConnect(Connect<DistributedHerder> connect, URI restUrl) {
        this.connect = connect;
        this.restUrl = restUrl;
    }

    /** Starts a worker with the default group id and defaults. */
    public static EmbeddedConnect start(String bootstrapServers) {
        return start(bootstrapServers, Map.of());
    }

    /**
     * Starts a worker; {@code overrides} are worker properties applied over {@link #defaultWorkerProperties}.
     * Returns once the worker answers REST requests (it has joined its group and read its config topic).
     */
    public static EmbeddedConnect start(String bootstrapServers, Map<String, String> overrides) {
        Map<String, String> props = defaultWorkerProperties(bootstrapServers, overrides.getOrDefault("group.id", DEFAULT_GROUP_ID));
        props.putAll(overrides);
        return launch(props);
    }

    /**
     * Starts a worker on the cluster: its internal topics get the cluster's replication factor, and
     * {@code clientProperties} (typically {@link EmbeddedKafka#clientProperties}, the worker's own principal) are
     * given to the worker and to the producers, consumers and admin clients it creates for connectors.
     * {@code overrides} are worker properties applied last.
     */
    public static EmbeddedConnect start(EmbeddedKafka kafka, Map<String, ?> clientProperties, Map<String, String> overrides) {
        return launch(workerProperties(kafka, clientProperties, overrides));
    }

    /**
     * What {@link #start(EmbeddedKafka, Map, Map)} gives the worker: the defaults for the cluster's replication
     * factor, the client settings for the worker and, since Connect does not pass its own on to them, again with
     * the {@code producer.}, {@code consumer.} and {@code admin.} prefixes for the clients of connectors' tasks.
     */
    public static Map<String, String> workerProperties(EmbeddedKafka kafka, Map<String, ?> clientProperties,
                                                Map<String, String> overrides) {
        String groupId = overrides.getOrDefault("group.id", DEFAULT_GROUP_ID);
        Map<String, String> p = defaultWorkerProperties(kafka.bootstrapServers(), groupId, kafka.replicationFactor());
        clientProperties.forEach((key, value) -> {
            String v = String.valueOf(value);
            p.put(key, v);
            for (String prefix : CONNECTOR_CLIENT_PREFIXES) {
                p.put(prefix + key, v);
            }
        });
        p.putAll(overrides);
        return p;
    }

    /**
     * Starts a worker with exactly these properties, as {@code ConnectDistributed <file>} would with them in the
     * file (nothing of {@link #defaultWorkerProperties} is added).
     */
    public static EmbeddedConnect fromProperties(Map<String, String> workerProperties) {
        return launch(new HashMap<>(workerProperties));
    }

    private static EmbeddedConnect launch(Map<String, String> props) {
        Connect<DistributedHerder> connect;
        // The exit procedure is JVM-wide: workers started at once must not reset it under each other.
        synchronized (EmbeddedConnect.class) {
            // The CLI exits the JVM when the worker fails to start; in-process we want an exception instead.
            Exit.setExitProcedure((status, message) -> {
                throw new IllegalStateException("Connect worker failed to start (exit " + status + "): " + message);
            });
            try {
                connect = new ConnectDistributed().startConnect(props);
            } finally {
                Exit.resetExitProcedure();
            }
        }
        URI url = connect.rest().serverUrl();
        EmbeddedConnect worker = new EmbeddedConnect(connect, URI.create(url.toString().replaceAll("/+$", "")));
        try {
            worker.awaitReady(Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            worker.stop();
            throw e;
        }
        return worker;
    }

    /** The properties a worker gets unless overridden, for a single broker (replication factor 1). */
    public static Map<String, String> defaultWorkerProperties(String bootstrapServers, String groupId) {
        return defaultWorkerProperties(bootstrapServers, groupId, (short) 1);
    }

    /** The properties a worker gets unless overridden; its config, offset and status topics get {@code replicationFactor}. */
    public static Map<String, String> defaultWorkerProperties(String bootstrapServers, String groupId, short replicationFactor) {
        String rf = String.valueOf(replicationFactor);
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", groupId);
        p.put("listeners", "http://127.0.0.1:0");
        p.put("config.storage.topic", groupId + "-configs");
        p.put("offset.storage.topic", groupId + "-offsets");
        p.put("status.storage.topic", groupId + "-status");
        p.put("config.storage.replication.factor", rf);
        p.put("offset.storage.replication.factor", rf);
        p.put("status.storage.replication.factor", rf);
        p.put("offset.storage.partitions", "1");
        p.put("status.storage.partitions", "1");
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("offset.flush.interval.ms", "1000");
        // A single local worker that restarts should get its tasks back at once, not after the 5-minute default.
        p.put("scheduled.rebalance.max.delay.ms", "0");
        // Plugins are on the classpath; reading their ServiceLoader manifests is much faster than scanning.
        p.put("plugin.discovery", "service_load");
        return p;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/connectors")).GET(), Duration.ofSeconds(10));
                if (r.statusCode() == 200) {
                    return;
                }
                last = new IllegalStateException("GET /connectors answered " + r.statusCode() + ": " + r.body());
            } catch (RuntimeException e) {
                last = e;
            }
            pause(100);
        }
        throw new IllegalStateException("Connect worker at " + restUrl + " not ready within " + timeout, last);
    }

    /** The REST API base, e.g. {@code http://127.0.0.1:41234}. */
    public URI restUrl() {
        return restUrl;
    }

    /** Creates the connector, or updates its config if it exists ({@code PUT /connectors/{name}/config}). */
    public void createConnector(String name, Map<String, String> config) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/connectors/" + enc(name) + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(toJson(config))), REQUEST_TIMEOUT);
        expect(r, "create connector " + name, 200, 201);
    }

    /** Names of the connectors this cluster runs. */
    public List<String> connectors() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/connectors")).GET(), REQUEST_TIMEOUT);
        expect(r, "list connectors", 200);
        List<String> names = new ArrayList<>();
        parse(r.body()).forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The connector's and its tasks' states, or {@code null} if there is no such connector. */
    public ConnectorStatus status(String name) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/connectors/" + enc(name) + "/status")).GET(), REQUEST_TIMEOUT);
        if (r.statusCode() == 404) {
            return null;
        }
        expect(r, "status of connector " + name, 200);
        JsonNode n = parse(r.body());
        List<ConnectorStatus.Task> tasks = new ArrayList<>();
        n.path("tasks").forEach(t -> tasks.add(new ConnectorStatus.Task(
                t.path("id").asInt(), t.path("state").asText(), t.path("worker_id").asText(),
                t.hasNonNull("trace") ? t.get("trace").asText() : null)));
        JsonNode c = n.path("connector");
        return new ConnectorStatus(name, c.path("state").asText(), c.hasNonNull("trace") ? c.get("trace").asText() : null, tasks);
    }

    /** The connector's state (RUNNING, PAUSED, FAILED, ...), or {@code null} if there is no such connector. */
    public String connectorState(String name) {
        ConnectorStatus s = status(name);
        return s == null ? null : s.state();
    }

    /** Waits until the connector and {@code minTasks} or more tasks are RUNNING; fails fast if one FAILED. */
    public ConnectorStatus awaitRunning(String name, int minTasks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConnectorStatus s = null;
        while (System.nanoTime() < deadline) {
            s = status(name);
            if (s != null) {
                if (s.failed()) {
                    throw new IllegalStateException("connector " + name + " failed: " + s);
                }
                if (s.running(minTasks)) {
                    return s;
                }
            }
            pause(100);
        }
        throw new IllegalStateException("connector " + name + " not running with " + minTasks + " task(s) within " + timeout + "; last status " + s);
    }

    public void pauseConnector(String name) {
        expect(send(HttpRequest.newBuilder(uri("/connectors/" + enc(name) + "/pause"))
                .PUT(HttpRequest.BodyPublishers.noBody()), REQUEST_TIMEOUT), "pause connector " + name, 202);
    }

    public void resumeConnector(String name) {
        expect(send(HttpRequest.newBuilder(uri("/connectors/" + enc(name) + "/resume"))
                .PUT(HttpRequest.BodyPublishers.noBody()), REQUEST_TIMEOUT), "resume connector " + name, 202);
    }

    /**
     * Deletes the connector and waits until the worker no longer lists it; a missing one is not an error.
     * Its last status may still be reported by {@link #status} for a moment afterwards.
     */
    public void deleteConnector(String name) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/connectors/" + enc(name))).DELETE(), REQUEST_TIMEOUT);
        expect(r, "delete connector " + name, 204, 404);
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (connectors().contains(name)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connector " + name + " still listed " + REQUEST_TIMEOUT + " after delete");
            }
            pause(50);
        }
    }

    /**
     * Validates a connector config through {@code PUT /connector-plugins/{class}/config/validate} and returns
     * the error messages per config key (only keys with errors).
     */
    public ConfigValidation validate(String connectorClass, Map<String, String> config) {
        Map<String, String> body = new LinkedHashMap<>(config);
        body.putIfAbsent("connector.class", connectorClass);
        body.putIfAbsent("name", "validation"); // the framework requires a name; it is not what is being checked
        String simpleName = connectorClass.substring(connectorClass.lastIndexOf('.') + 1);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/connector-plugins/" + enc(simpleName) + "/config/validate"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(toJson(body))), REQUEST_TIMEOUT);
        expect(r, "validate config of " + connectorClass, 200);
        JsonNode n = parse(r.body());
        Map<String, List<String>> errors = new LinkedHashMap<>();
        n.path("configs").forEach(c -> {
            JsonNode v = c.path("value");
            List<String> messages = new ArrayList<>();
            v.path("errors").forEach(e -> messages.add(e.asText()));
            if (!messages.isEmpty()) {
                errors.put(v.path("name").asText(), messages);
            }
        });
        return new ConfigValidation(n.path("error_count").asInt(), errors);
    }

    /** Stops the worker (its tasks are stopped gracefully). */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        connect.stop();
        connect.awaitStop();
    }

    @Override
    public void close() {
        stop();
    }

    private URI uri(String path) {
        return URI.create(restUrl + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Connect REST request to " + restUrl + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during Connect REST request", e);
        }
    }

    private static void expect(HttpResponse<String> r, String what, int... ok) {
        for (int code : ok) {
            if (r.statusCode() == code) {
                return;
            }
        }
        String message = r.body();
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n.hasNonNull("message")) {
                message = n.get("message").asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the raw body
        }
        throw new ConnectRestException(r.statusCode(), "cannot " + what + ": HTTP " + r.statusCode() + ": " + message);
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("Connect REST answered with invalid JSON: " + body, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A connector's state as reported by {@code GET /connectors/{name}/status}. */
    public record ConnectorStatus(String name, String state, String trace, List<Task> tasks) {
        public record Task(int id, String state, String workerId, String trace) {
        }

        public boolean failed() {
            return "FAILED".equals(state) || tasks.stream().anyMatch(t -> "FAILED".equals(t.state()));
        }

        public boolean running(int minTasks) {
            return "RUNNING".equals(state) && tasks.size() >= minTasks
                    && tasks.stream().allMatch(t -> "RUNNING".equals(t.state()));
        }
    }

    /** The result of a config validation: total error count and messages per config key. */
    public record ConfigValidation(int errorCount, Map<String, List<String>> errors) {
    }

    /** A REST call answered with an unexpected status. */
    public static final class ConnectRestException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        ConnectRestException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
