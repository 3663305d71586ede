package io.deptcrypt.devstack;

import java.time.Duration;

/** Placeholder. */
final class Demo {
    Demo(StackConfig cfg, Console console, int events, Duration timeout, boolean printEvents) {}
    DemoResult run() { throw new StackException("not yet wired"); }
}
