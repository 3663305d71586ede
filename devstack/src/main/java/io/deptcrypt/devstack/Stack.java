package io.deptcrypt.devstack;

/** Placeholder until the modules land. */
public final class Stack implements AutoCloseable {
    public static Stack start(StackConfig cfg, Console console) {
        throw new StackException("not yet wired");
    }
    public Endpoints endpoints() { return null; }
    @Override public void close() {}
}
