package io.deptcrypt.localkms.state;

import io.deptcrypt.localkms.crypto.MasterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory holding localkms's state: {@code state.json} (keys, aliases, policies, grants, access keys),
 * {@code master.key} (seals key material and secrets in {@code state.json}), {@code credentials.env},
 * {@code audit.log} and a {@code .lock} file that keeps a second localkms off the same directory. The directory is
 * {@code rwx------} and every file {@code rw-------}; files are replaced atomically (write a temporary file, fsync,
 * rename, fsync the directory), so a crash leaves either the old or the new version.
 */
public final class StateDirectory implements AutoCloseable {

    private static final String STATE_FILE = "state.json";

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectory.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StateDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the directory if needed and locks it.
     *
     * @throws CorruptStateException if it cannot be created or another localkms holds it
     */
    public static StateDirectory open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (!Files.isDirectory(abs)) {
                if (Files.exists(abs)) {
                    throw new CorruptStateException(abs + ": state dir exists but is not a directory");
                }
                Files.createDirectories(abs);
            }
            restrict(abs, OWNER_DIR);
            Path lockFile = abs.resolve(".lock");
            FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new CorruptStateException(abs + ": state dir is in use by another running localkms (" + lockFile + " is locked)");
            }
            return new StateDirectory(abs, channel, lock);
        } catch (IOException e) {
            throw new CorruptStateException(abs + ": cannot open state dir: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    public Path stateFile() {
        return dir.resolve(STATE_FILE);
    }

    /** Whether {@code dir} holds a localkms state (its keys), without opening or locking it. */
    public static boolean holdsState(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE_FILE));
    }

    public Path masterKeyFile() {
        return dir.resolve("master.key");
    }

    public Path credentialsFile() {
        return dir.resolve("credentials.env");
    }

    public Path auditLog() {
        return dir.resolve("audit.log");
    }

    /**
     * Reads {@code master.key}, creating it when the directory holds no state yet.
     *
     * @throws CorruptStateException if state exists without its master key, or the key file is damaged
     */
    public MasterKey masterKey() {
        Path file = masterKeyFile();
        try {
            if (!Files.exists(file)) {
                if (Files.exists(stateFile())) {
                    throw new CorruptStateException(file + " is missing but " + stateFile() + " exists: the key material in it"
                            + " cannot be decrypted without it; restore master.key (localkms will not start over, that would"
                            + " destroy every key)");
                }
                writeAtomically(file, MasterKey.generateBytes());
            }
            tighten(file);
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != MasterKey.BYTES) {
                throw new CorruptStateException(file + " is corrupt: expected " + MasterKey.BYTES + " bytes, found " + bytes.length);
            }
            return new MasterKey(bytes);
        } catch (IOException e) {
            throw new CorruptStateException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code target} (inside this directory) with {@code content}, owner-only, atomically and durably. */
    public void writeAtomically(Path target, byte[] content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error matters more
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Makes an existing file owner-only, warning if it was readable by others. */
    public void tighten(Path file) throws IOException {
        if (POSIX && Files.exists(file)) {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
            if (!OWNER_FILE.containsAll(now)) {
                LOG.warn("{} was {}; restricting it to the owner (rw-------)", file, PosixFilePermissions.toString(now));
                Files.setPosixFilePermissions(file, OWNER_FILE);
            }
        }
    }

    static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0];
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (POSIX && !Files.getPosixFilePermissions(path).equals(permissions)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Not every platform can fsync a directory; the rename itself is still atomic.
            LOG.debug("cannot fsync {}: {}", dir, e.getMessage());
        }
    }

    /** Releases the lock so another localkms (or a restart in this JVM) may use the directory. */
    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release {}: {}", dir.resolve(".lock"), e.getMessage());
        }
    }
}
