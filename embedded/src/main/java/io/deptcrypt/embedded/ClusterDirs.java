package io.deptcrypt.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.metadata.properties.MetaProperties;
import org.apache.kafka.metadata.properties.PropertiesUtils;

/**
 * Where each node of a cluster keeps its state under the cluster's data dir, and whether that state is whole.
 *
 * <p>A single node uses the data dir itself, as the single broker always has (so existing state is reused);
 * a cluster of n nodes uses {@code node-1} .. {@code node-n} below it. Either all nodes are formatted, with one
 * cluster id, or none is: a partly formatted cluster is refused rather than completed with empty voters.
 */
final class ClusterDirs {

    private ClusterDirs() {
    }

    /** The nodes' dirs, node 1 first; fails if {@code dir} holds the state of a cluster of another size. */
    static List<Path> of(Path dir, int nodes) {
        boolean single = KafkaNode.isFormatted(dir);
        int formattedSubdirs = formattedNodeSubdirs(dir);
        if (nodes == 1 && formattedSubdirs > 0) {
            throw new IllegalStateException("Kafka data dir " + dir + " holds the state of a cluster of "
                    + formattedSubdirs + " nodes (node-1 ..); cannot start it as a single node");
        }
        if (nodes > 1 && single) {
            throw new IllegalStateException("Kafka data dir " + dir + " holds the state of a single node;"
                    + " cannot start it as a cluster of " + nodes + " nodes");
        }
        if (nodes > 1 && formattedSubdirs > nodes) {
            throw new IllegalStateException("Kafka data dir " + dir + " holds the state of " + formattedSubdirs
                    + " nodes; cannot start it as a cluster of " + nodes);
        }
        List<Path> dirs = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            dirs.add(nodes == 1 ? dir : dir.resolve("node-" + id));
        }
        return dirs;
    }

    /** The cluster id all formatted nodes share, or empty when none is formatted. */
    static Optional<String> clusterId(List<Path> nodeDirs) {
        TreeSet<String> ids = new TreeSet<>();
        List<Path> unformatted = new ArrayList<>();
        for (Path d : nodeDirs) {
            if (KafkaNode.isFormatted(d)) {
                ids.add(read(d).clusterId().orElseThrow(() -> new IllegalStateException(
                        d.resolve("meta.properties") + " has no cluster.id")));
            } else {
                unformatted.add(d);
            }
        }
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        if (!unformatted.isEmpty()) {
            throw new IllegalStateException("Kafka cluster state is incomplete: " + unformatted + " not formatted while"
                    + " other nodes are; delete the whole data dir to start afresh");
        }
        if (ids.size() > 1) {
            throw new IllegalStateException("Kafka nodes under " + nodeDirs.get(0).getParent()
                    + " belong to different clusters: " + ids);
        }
        return Optional.of(ids.first());
    }

    private static int formattedNodeSubdirs(Path dir) {
        int n = 0;
        while (KafkaNode.isFormatted(dir.resolve("node-" + (n + 1)))) {
            n++;
        }
        return n;
    }

    private static MetaProperties read(Path nodeDir) {
        Path file = nodeDir.resolve("meta.properties");
        try {
            return new MetaProperties.Builder(PropertiesUtils.readPropertiesFile(file.toString())).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("invalid " + file + ": " + e.getMessage(), e);
        }
    }

    static void create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data dir " + dir, e);
        }
    }
}
