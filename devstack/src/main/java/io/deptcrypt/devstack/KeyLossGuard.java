package io.deptcrypt.devstack;

import io.deptcrypt.governance.Governance;
import io.deptcrypt.localkms.state.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Refuses a start that would silently make every sealed record unreadable: localkms has no state (its directory was
 * deleted or lost) while the broker's log still holds records of the shared, keys or dead-letter topic, all sealed
 * under keys of the localkms that is gone. A new localkms would create new keys, and no record before would open.
 * Checked on disk before anything starts, so a refused start changes nothing.
 */
final class KeyLossGuard {

    private KeyLossGuard() {}

    static void check(StackConfig cfg, Governance g) {
        if (StateDirectory.holdsState(cfg.kmsDir()) || !Files.isDirectory(cfg.kafkaDir())) {
            return;
        }
        Governance.Topics t = g.topics();
        List<String> sealed = List.of(t.shared(), t.keys(), t.deadLetter());
        long bytes = sealedLogBytes(cfg.kafkaDir(), sealed);
        if (bytes > 0) {
            throw new StackException("localkms has no state (" + cfg.kmsDir() + " is missing or empty), but the broker"
                    + " in " + cfg.kafkaDir() + " still holds " + bytes + " bytes of records on " + sealed + ", sealed"
                    + " under the keys of the localkms whose state is gone: a new localkms would make new keys and none"
                    + " of those records would open again. Restore " + cfg.kmsDir() + " from a copy to keep them, or"
                    + " start over with --fresh (deletes the whole state directory, records included).");
        }
    }

    /** The bytes of the log segments of {@code topics}' partitions under {@code kafkaDir} (any node). */
    static long sealedLogBytes(Path kafkaDir, List<String> topics) {
        try (Stream<Path> files = Files.walk(kafkaDir, 3)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .filter(f -> isPartitionOf(f.getParent().getFileName().toString(), topics))
                    .mapToLong(KeyLossGuard::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broker's log directory " + kafkaDir, e);
        }
    }

    private static boolean isPartitionOf(String dirName, List<String> topics) {
        int dash = dirName.lastIndexOf('-');
        return dash > 0 && dirName.substring(dash + 1).chars().allMatch(Character::isDigit)
                && topics.contains(dirName.substring(0, dash));
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
