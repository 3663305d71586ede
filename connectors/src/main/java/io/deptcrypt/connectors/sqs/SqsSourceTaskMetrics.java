package io.deptcrypt.connectors.sqs;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The task's counters; registered as a standard MBean so they work on every Connect runtime. */
public final class SqsSourceTaskMetrics implements SqsSourceTaskMetricsMBean, AutoCloseable {

    public static final String DOMAIN = "io.deptcrypt.connectors.sqs";
    private static final Logger log = LoggerFactory.getLogger(SqsSourceTaskMetrics.class);

    final LongAdder received = new LongAdder();
    final LongAdder produced = new LongAdder();
    final LongAdder deleted = new LongAdder();
    final LongAdder deleteFailures = new LongAdder();
    final LongAdder deleteRetries = new LongAdder();
    final LongAdder visibilityExtensions = new LongAdder();
    final LongAdder redeliveries = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder released = new LongAdder();
    private volatile LongSupplier buffered = () -> 0;
    private volatile LongSupplier inFlight = () -> 0;
    private ObjectName name;

    /** The JMX name of a task's metrics. */
    public static ObjectName objectName(String connector, String task) {
        try {
            return new ObjectName(DOMAIN + ":type=sqs-source-task,connector=" + ObjectName.quote(connector) + ",task=" + ObjectName.quote(task));
        } catch (JMException e) {
            throw new IllegalArgumentException("cannot build a JMX name for connector " + connector, e);
        }
    }

    void gauges(LongSupplier buffered, LongSupplier inFlight) {
        this.buffered = buffered;
        this.inFlight = inFlight;
    }

    /** Registers under {@link #objectName}; a stale registration with that name (a task restarted in place) is replaced. */
    void register(String connector, String task) {
        ObjectName n = objectName(connector, task);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(n)) {
                server.unregisterMBean(n);
            }
            server.registerMBean(this, n);
            name = n;
        } catch (JMException e) {
            log.warn("Cannot register JMX metrics {}: {}", n, e.toString());
        }
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            log.debug("Cannot unregister JMX metrics {}: {}", name, e.toString());
        }
        name = null;
    }

    @Override public long getReceived() { return received.sum(); }
    @Override public long getProduced() { return produced.sum(); }
    @Override public long getDeleted() { return deleted.sum(); }
    @Override public long getDeleteFailures() { return deleteFailures.sum(); }
    @Override public long getDeleteRetries() { return deleteRetries.sum(); }
    @Override public long getVisibilityExtensions() { return visibilityExtensions.sum(); }
    @Override public long getRedeliveries() { return redeliveries.sum(); }
    @Override public long getDropped() { return dropped.sum(); }
    @Override public long getReleased() { return released.sum(); }
    @Override public long getBuffered() { return buffered.getAsLong(); }
    @Override public long getInFlight() { return inFlight.getAsLong(); }
}
