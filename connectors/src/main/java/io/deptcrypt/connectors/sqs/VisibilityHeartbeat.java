package io.deptcrypt.connectors.sqs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every tracked message invisible: on its own thread, every tenth of the visibility timeout (at least every
 * 100 ms), it extends the messages whose timeout is more than half used back to the full timeout. Its calls may
 * block; nothing else waits for this thread.
 */
final class VisibilityHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VisibilityHeartbeat.class);

    private final InFlightMessages inFlight;
    private final VisibilityChanges visibility;
    private final int timeoutSeconds;
    private final ScheduledExecutorService timer;
    private volatile boolean running = true;

    VisibilityHeartbeat(InFlightMessages inFlight, VisibilityChanges visibility, Duration visibilityTimeout, String threadName) {
        this.inFlight = inFlight;
        this.visibility = visibility;
        this.timeoutSeconds = (int) visibilityTimeout.toSeconds();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        // Check often enough that no message gets past half its timeout by more than a tenth of it.
        long tickMillis = Math.max(100, visibilityTimeout.toMillis() / 10);
        timer.scheduleWithFixedDelay(this::beat, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** One pass: extends every tracked message that is past half its visibility timeout. */
    void beat() {
        try {
            long halfNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds) / 2;
            for (SqsBatch batch : SqsBatch.split(inFlight.visibleAgainWithin(System.nanoTime(), halfNanos))) {
                if (!running) {
                    return;
                }
                visibility.extend(batch, timeoutSeconds);
            }
        } catch (RuntimeException e) {
            log.warn("Visibility heartbeat failed; retrying at the next tick: {}", e.toString());
        }
    }

    /** Stops the heartbeat; a call in progress is interrupted. */
    @Override
    public void close() {
        running = false;
        timer.shutdownNow();
    }
}
