package io.deptcrypt.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deptcrypt.devstack.Stack;
import io.deptcrypt.embedded.EmbeddedConnect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A Kafka Connect worker in its own JVM that joins the stack's Connect group, as a second machine would:
 * {@code ConnectDistributed <worker.properties>} with the worker properties the stack hands out, on the class path of
 * this test JVM (which holds the SQS connector). It can be SIGKILLed like a crashed machine: it leaves its group only
 * when its session expires, and the SQS messages its task had received but not deleted come back after their
 * visibility timeout.
 */
final class ConnectWorkerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final String workerId;

    private ConnectWorkerProcess(Process process, Path log, String workerId) {
        this.process = process;
        this.log = log;
        this.workerId = workerId;
    }

    /** @param restPort the worker's REST port (its worker id is {@code 127.0.0.1:<port>}) */
    static ConnectWorkerProcess start(Stack stack, Path workDir, int restPort) throws IOException {
        Properties p = new Properties();
        p.putAll(stack.connectWorkerProperties());
        p.put("listeners", "http://127.0.0.1:" + restPort);
        p.put("rest.advertised.host.name", "127.0.0.1");
        p.put("rest.advertised.port", Integer.toString(restPort));
        Path config = workDir.resolve("connect-worker.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "Connect worker joining the e2e stack");
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.connect.cli.ConnectDistributed", config.toString());
        Path log = workDir.resolve("connect-worker.log");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ConnectWorkerProcess(process, log, "127.0.0.1:" + restPort);
    }

    /** The id Connect's status API gives this worker. */
    String workerId() {
        return workerId;
    }

    /** The connector's status as this worker's REST API reports it (null: no such connector). */
    EmbeddedConnect.ConnectorStatus connectorStatus(String connector) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + workerId + "/connectors/"
                    + connector + "/status")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return null;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("status of " + connector + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode n = JSON.readTree(r.body());
            List<EmbeddedConnect.ConnectorStatus.Task> tasks = new ArrayList<>();
            n.path("tasks").forEach(t -> tasks.add(new EmbeddedConnect.ConnectorStatus.Task(t.path("id").asInt(),
                    t.path("state").asText(), t.path("worker_id").asText(), t.path("trace").asText(null))));
            JsonNode c = n.path("connector");
            return new EmbeddedConnect.ConnectorStatus(connector, c.path("state").asText(), c.path("trace").asText(null),
                    tasks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no task stop, no offset flush, no group leave. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }


    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
