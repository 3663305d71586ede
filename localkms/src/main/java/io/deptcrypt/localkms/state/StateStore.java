package io.deptcrypt.localkms.state;

import io.deptcrypt.localkms.crypto.MasterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.function.Function;

/**
 * Holds the current {@link KmsState} and persists every change before publishing it. Reads are lock-free (the state
 * is immutable); changes are serialised, so two concurrent mutations never lose each other's update.
 */
public final class StateStore {

    /** A change's new state and what the operation returns. */
    public record Change<T>(KmsState next, T result) {}

    private final StateDirectory directory;
    private final StateFile format;
    private final MasterKey master;
    private volatile KmsState current;

    private StateStore(StateDirectory directory, StateFile format, MasterKey master, KmsState initial) {
        this.directory = directory;
        this.format = format;
        this.master = master;
        this.current = initial;
    }

    /**
     * Loads {@code state.json}, or starts empty when the directory has none yet.
     *
     * @throws CorruptStateException if the file exists but cannot be used
     */
    public static StateStore open(StateDirectory directory, StateFile format) {
        MasterKey master = directory.masterKey();
        KmsState state;
        try {
            directory.tighten(directory.stateFile());
            byte[] bytes = Files.readAllBytes(directory.stateFile());
            state = format.read(bytes, directory.stateFile().toString(), master);
        } catch (NoSuchFileException e) {
            state = KmsState.empty();
        } catch (IOException e) {
            throw new CorruptStateException(directory.stateFile() + ": cannot read: " + e.getMessage(), e);
        }
        return new StateStore(directory, format, master, state);
    }

    public KmsState current() {
        return current;
    }

    /**
     * Applies {@code change} to the current state, writes the result, then publishes it. If {@code change} throws,
     * nothing is written or published.
     */
    public synchronized <T> T update(Function<KmsState, Change<T>> change) {
        Change<T> c = change.apply(current);
        if (c.next() != current) {
            directory.writeAtomically(directory.stateFile(), format.write(c.next(), master));
            current = c.next();
        }
        return c.result();
    }
}
