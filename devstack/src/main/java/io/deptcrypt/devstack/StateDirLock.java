package io.deptcrypt.devstack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One stack per state directory: a second {@code ./deptcrypt up} on the same directory is refused with a clear
 * message instead of failing deep inside the broker's own log-dir lock.
 */
final class StateDirLock implements AutoCloseable {

    /** The lock file in the state directory; it holds the pid of the stack that has it. */
    static final String FILE_NAME = "stack.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StateDirLock acquire(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(stateDir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                ch.close();
                throw new StackException("another deptcrypt stack is using " + stateDir + " (pid " + (holder.isEmpty() ? "unknown" : holder)
                        + "); stop it first or pass --state-dir");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new StateDirLock(ch, l);
        } catch (IOException e) {
            throw new StackException("cannot lock the state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is ending or the directory is gone; the OS drops the lock either way
        }
    }
}
