package io.deptcrypt.devstack.soak;

import java.util.Optional;

/**
 * One fault the soak injected.
 *
 * @param began     milliseconds since the soak began
 * @param ended     when it was undone (what was stopped ran again), or -1 if undoing it failed
 * @param detail    what was done, e.g. which node was stopped
 * @param error     why beginning or ending it failed, if it did
 */
public record SoakFaultRecord(int number, String name, String detail, long began, long ended, Optional<String> error) {}
