package io.deptcrypt.e2e;

import io.deptcrypt.devstack.Stack;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The encryptor as production runs it, in its own JVM: {@code java -jar topology/target/deptcrypt-topology.jar
 * --config <file>} with the stack's endpoints in its environment (the class path of this test JVM if the jar was not
 * built). It can be killed like a crashed process: SIGKILL, no shutdown hook, no clean close.
 */
final class EncryptorProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private EncryptorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static EncryptorProcess start(Stack stack, Path workDir) throws IOException {
        Map<String, String> props = new java.util.LinkedHashMap<>(stack.encryptorProperties());
        props.put("streams.state.dir", workDir.resolve("streams").toAbsolutePath().toString());
        Path config = workDir.resolve("topology.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "encryptor joining the e2e stack");
        }
        Path jar = Path.of(System.getProperty("deptcrypt.topology.jar",
                E2e.repoRoot().resolve("topology/target/deptcrypt-topology.jar").toString()));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        if (Files.isRegularFile(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.deptcrypt.topology.EncryptorCli"));
        }
        cmd.addAll(List.of("--config", config.toString()));
        Path log = workDir.resolve("encryptor-process.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(stack.endpoints().variables());
        return new EncryptorProcess(pb.start(), log);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: the process gets no chance to commit, abort or leave its group. */
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
