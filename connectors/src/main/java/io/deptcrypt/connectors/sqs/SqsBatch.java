package io.deptcrypt.connectors.sqs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Up to {@value #MAX_ENTRIES} messages of one queue: what one {@code DeleteMessageBatch} or
 * {@code ChangeMessageVisibilityBatch} call takes. An entry's id in such a call is its index here.
 */
record SqsBatch(String queueUrl, List<InFlightMessage> messages) {

    /** The SQS limit for batch calls. */
    static final int MAX_ENTRIES = 10;

    SqsBatch {
        if (messages.isEmpty() || messages.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("a batch holds 1-" + MAX_ENTRIES + " messages, not " + messages.size());
        }
        messages = List.copyOf(messages);
    }

    /** Groups the messages by queue, in order, and cuts each group into batches of at most ten. */
    static List<SqsBatch> split(Collection<InFlightMessage> messages) {
        Map<String, List<InFlightMessage>> byQueue = new LinkedHashMap<>();
        for (InFlightMessage m : messages) {
            byQueue.computeIfAbsent(m.queue().url(), k -> new ArrayList<>()).add(m);
        }
        List<SqsBatch> batches = new ArrayList<>();
        byQueue.forEach((url, list) -> {
            for (int i = 0; i < list.size(); i += MAX_ENTRIES) {
                batches.add(new SqsBatch(url, list.subList(i, Math.min(list.size(), i + MAX_ENTRIES))));
            }
        });
        return batches;
    }

    /** The message of the entry with this id. */
    InFlightMessage entry(String id) {
        return messages.get(Integer.parseInt(id));
    }

    int size() {
        return messages.size();
    }
}
