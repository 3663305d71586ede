package io.deptcrypt.embedded;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * ElasticMQ, an SQS-compatible server, running in this JVM on 127.0.0.1.
 *
 * <p>ElasticMQ accepts any credentials and region; {@link #credentials()} and {@link #REGION} are the
 * placeholder values the clients made here use.
 */
public final class EmbeddedSqs implements AutoCloseable {

    public static final Region REGION = Region.US_EAST_1;
    public static final String ACCOUNT_ID = "000000000000";

    private final SQSRestServer server;
    private final int port;
    private final SqsClient client;
    private volatile boolean closed;

    private EmbeddedSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
        this.client = newClient();
    }

    /** Starts ElasticMQ on a free port. */
    public static EmbeddedSqs start() {
        return start(0);
    }

    /** Starts ElasticMQ on {@code 127.0.0.1:port} ({@code 0} picks a free port). */
    public static EmbeddedSqs start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        var builder = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withAWSAccountId(ACCOUNT_ID)
                .withAWSRegion(REGION.id());
        builder = port == 0 ? builder.withDynamicPort() : builder.withPort(port);
        SQSRestServer server = builder.start();
        int bound;
        try {
            bound = server.waitUntilStarted().localAddress().getPort();
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("ElasticMQ failed to start on port " + port, e);
        }
        return new EmbeddedSqs(server, bound);
    }

    /** {@code http://127.0.0.1:<port>}, the endpoint override for an {@link SqsClient}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Placeholder credentials (ElasticMQ does not check them). */
    public static AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

    /** A shared client for this server; closed by {@link #close()}. */
    public SqsClient client() {
        return client;
    }

    /** A new client for this server; the caller closes it. */
    public SqsClient newClient() {
        return SqsClient.builder()
                .endpointOverride(endpoint())
                .region(REGION)
                .credentialsProvider(credentials())
                .build();
    }

    /** Creates a standard queue (or returns the URL of an existing one with the same attributes). */
    public String createQueue(String name) {
        return createQueue(name, Map.of());
    }

    /**
     * Creates a queue with the given attributes ({@code QueueAttributeName} strings such as
     * {@code VisibilityTimeout}, {@code FifoQueue}) and returns its URL.
     */
    public String createQueue(String name, Map<String, String> attributes) {
        Map<QueueAttributeName, String> attrs = new HashMap<>();
        attributes.forEach((k, v) -> {
            QueueAttributeName attr = QueueAttributeName.fromValue(k);
            if (attr == QueueAttributeName.UNKNOWN_TO_SDK_VERSION) {
                throw new IllegalArgumentException("unknown SQS queue attribute: " + k);
            }
            attrs.put(attr, v);
        });
        return client.createQueue(b -> b.queueName(name).attributes(attrs)).queueUrl();
    }

    /** Creates a FIFO queue; {@code name} must end in {@code .fifo}. */
    public String createFifoQueue(String name, boolean contentBasedDeduplication) {
        if (!name.endsWith(".fifo")) {
            throw new IllegalArgumentException("a FIFO queue name must end in .fifo: " + name);
        }
        return createQueue(name, Map.of(
                QueueAttributeName.FIFO_QUEUE.toString(), "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION.toString(), String.valueOf(contentBasedDeduplication)));
    }

    /** Visible plus in-flight plus delayed messages, as reported by the queue's approximate counters. */
    public long approximateMessageCount(String queueUrl) {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        server.stopAndWait();
    }
}
