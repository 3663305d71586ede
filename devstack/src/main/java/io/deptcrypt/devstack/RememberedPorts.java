package io.deptcrypt.devstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The ports the last run bound, kept in {@code <state-dir>/ports.properties}. A port left at 0 ("any free port") gets
 * the remembered one again if it is still free, so a restarted stack keeps its endpoints: {@code endpoints.env},
 * shells and tools pointed at the previous run keep working, and the Connect worker's stored connector config
 * (which names the ElasticMQ endpoint) is right from the first second.
 */
final class RememberedPorts {

    private final Path file;
    private final Properties ports = new Properties();

    RememberedPorts(Path stateDir) {
        this.file = stateDir.resolve("ports.properties");
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                ports.load(r);
            } catch (IOException | IllegalArgumentException e) {
                ports.clear(); // a damaged file only costs new ports
            }
        }
    }

    /** {@code configured} if not 0; else the remembered port for {@code name} if it is free now; else 0. */
    int choose(String name, int configured) {
        if (configured != 0) {
            return configured;
        }
        String remembered = ports.getProperty(name);
        if (remembered == null) {
            return 0;
        }
        try {
            int port = Integer.parseInt(remembered.trim());
            return port > 0 && port <= 65535 && isFree(port) ? port : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void remember(String name, int port) {
        ports.setProperty(name, Integer.toString(port));
    }

    void save() {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ports.store(w, "ports of the last run; reused when free (delete to get new ones)");
        } catch (IOException e) {
            // not worth failing a start for: the next run just picks new ports
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
