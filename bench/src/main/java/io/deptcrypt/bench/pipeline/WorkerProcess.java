package io.deptcrypt.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The parent's handle on one {@link PipelineWorker} JVM: send a command, wait for its result line. */
final class WorkerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(12);

    private final String name;
    private final Process process;
    private final BufferedWriter in;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16);
    private final Path log;

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("{")) { // the JVM itself may print to stdout (e.g. JFR start-up lines)
                        lines.put(line);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the worker is gone; call() notices
            }
        }, "bench-worker-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a worker JVM on this JVM's class path.
     *
     * @param jvmArgs  extra JVM options (heap, a flight recording)
     * @param args     the worker's arguments
     * @param env      secrets for the worker's environment
     * @param log      where the worker's stderr (its log) goes
     */
    static WorkerProcess start(String name, List<String> jvmArgs, List<String> args, Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PipelineWorker.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            WorkerProcess w = new WorkerProcess(name, pb.start(), log);
            w.await(START_TIMEOUT, "start");
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " worker", e);
        }
    }

    /** Sends one command and returns its result; throws with the worker's error (and log tail) if it failed. */
    JsonNode call(Map<String, Object> command) {
        try {
            in.write(PipelineWorker.JSON.writeValueAsString(command));
            in.newLine();
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the " + name + " worker is gone" + logTail(), e);
        }
        return await(CALL_TIMEOUT, String.valueOf(command.get("op")) + " " + command.get("label"));
    }

    private JsonNode await(Duration timeout, String what) {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the " + name + " worker", e);
        }
        if (line == null) {
            throw new IllegalStateException("the " + name + " worker did not answer '" + what + "' within " + timeout
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + logTail());
        }
        JsonNode r;
        try {
            r = PipelineWorker.JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("the " + name + " worker wrote a line that is not JSON" + logTail(), e);
        }
        if (!r.path("ok").asBoolean()) {
            throw new IllegalStateException("the " + name + " worker failed '" + what + "': " + r.path("error").asText() + logTail());
        }
        return r;
    }

    private String logTail() {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n--- last lines of " + log + ":\n" + all.subList(Math.max(0, all.size() - 30), all.size()).stream()
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return " (log " + log + " unreadable)";
        }
    }

    @Override
    public void close() {
        try {
            in.write("{\"op\":\"quit\"}");
            in.newLine();
            in.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
