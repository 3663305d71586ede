package io.deptcrypt.connectors.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bookkeeping of a task's received messages (in the spirit of Kafka Connect's {@code SubmittedRecords}): which
 * messages are tracked (and so heartbeated) and how many deletes and releases are asked for but not finished, with
 * a wait for the last of those that wakes up as soon as it finishes.
 */
final class InFlightMessages {

    private final Set<InFlightMessage> tracked = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nothingSettling = lock.newCondition();
    /** Deletes and releases asked for and not finished (queued, in a call, or waiting for a retry). */
    private int settling;

    /** A received message: tracked (heartbeated) until it is settled or untracked. */
    void track(InFlightMessage m) {
        tracked.add(m);
    }

    /** No longer tracked, without a settle: left to its visibility timeout, or released. */
    void untrack(InFlightMessage m) {
        tracked.remove(m);
    }

    /** A delete or release of {@code m} is asked for; {@link #settled} must follow exactly once. */
    void settling(InFlightMessage m) {
        lock.lock();
        try {
            settling++;
        } finally {
            lock.unlock();
        }
    }

    /** The delete or release asked for is finished (done, or given up): {@code m} is no longer tracked. */
    void settled(InFlightMessage m) {
        tracked.remove(m);
        lock.lock();
        try {
            if (--settling == 0) {
                nothingSettling.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no delete or release is unfinished; false if {@code timeout} passed first. */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (settling > 0) {
                if (left <= 0) {
                    return false;
                }
                left = nothingSettling.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    int settlingCount() {
        lock.lock();
        try {
            return settling;
        } finally {
            lock.unlock();
        }
    }

    int trackedCount() {
        return tracked.size();
    }

    /** The tracked messages that SQS would make visible again within {@code withinNanos} of {@code nowNanos}. */
    List<InFlightMessage> visibleAgainWithin(long nowNanos, long withinNanos) {
        List<InFlightMessage> due = new ArrayList<>();
        for (InFlightMessage m : tracked) {
            if (m.visibleAgainAtNanos() - nowNanos < withinNanos) {
                due.add(m);
            }
        }
        return due;
    }
}
