package io.deptcrypt.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback ports of one node, fixed for the life of an {@link EmbeddedKafka}: a stopped node starts again on
 * them. {@code internal} is 0 when the cluster runs without security (replication then uses the client listener).
 *
 * <p>The internal and controller ports are remembered in the node's dir and taken again by the next start of the
 * cluster when they are free: followers keep fetching from the replication address a leader registered before,
 * and a leader that came back on another port would not be fetched from until its partitions moved.
 */
record NodePorts(int client, int internal, int controller) {

    private static final Logger LOG = LoggerFactory.getLogger(NodePorts.class);
    private static final String FILE = "embedded-kafka-ports.properties";

    /**
     * {@code client} as asked (0: a free one); the others as remembered in {@code dir} if free, else free ones;
     * none of them in {@code taken}, to which they are added.
     */
    static NodePorts choose(Path dir, int client, boolean internalListener, Set<Integer> taken) {
        Properties remembered = new Properties();
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                remembered.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("ignoring unreadable {}: {}", file, e.toString());
            }
        }
        int internal = internalListener ? take(number(remembered, "internal"), taken) : 0;
        int controller = take(number(remembered, "controller"), taken);
        return new NodePorts(client == 0 ? take(0, taken) : client, internal, controller);
    }

    private static int take(int wanted, Set<Integer> taken) {
        int port = taken.contains(wanted) ? FreePort.pick() : FreePort.reuseOrPick(wanted);
        while (!taken.add(port)) {
            port = FreePort.pick();
        }
        return port;
    }

    /** Writes the internal and controller ports for the next start; the dir must exist. */
    void remember(Path dir) {
        Properties p = new Properties();
        if (internal > 0) {
            p.setProperty("internal", String.valueOf(internal));
        }
        p.setProperty("controller", String.valueOf(controller));
        try (OutputStream out = Files.newOutputStream(dir.resolve(FILE))) {
            p.store(out, "ports of this embedded Kafka node, reused by its next start when free");
        } catch (IOException e) {
            LOG.warn("cannot remember the ports of Kafka node in {}: {}", dir, e.toString());
        }
    }

    private static int number(Properties p, String key) {
        try {
            return Integer.parseInt(p.getProperty(key, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
