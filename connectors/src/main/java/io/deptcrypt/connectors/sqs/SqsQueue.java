package io.deptcrypt.connectors.sqs;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One queue to read, identified by its URL; a queue name ending in {@code .fifo} is a FIFO queue. */
public record SqsQueue(String url, String name, boolean fifo) {

    private static final Pattern SQS_HOST_REGION = Pattern.compile("sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");

    /** Parses a queue URL such as {@code https://sqs.us-east-1.amazonaws.com/111122223333/orders.fifo}. */
    public static SqsQueue of(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("empty queue URL");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("queue URL must be http(s) with a host, e.g. https://sqs.<region>.amazonaws.com/<account>/<queue>");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || path.indexOf('/', 1) < 0) {
            throw new IllegalArgumentException("queue URL has no /<account>/<queue> path");
        }
        return new SqsQueue(url.trim(), name, name.endsWith(".fifo"));
    }

    /** The region in an AWS queue URL host ({@code sqs.<region>.amazonaws.com}), if it is one. */
    public Optional<String> regionFromHost() {
        String host = URI.create(url).getHost();
        Matcher m = SQS_HOST_REGION.matcher(host == null ? "" : host);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
