package io.deptcrypt.connectors.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * An {@link SqsClient} whose two batch calls the settler makes are answered by the test (by default: every entry
 * succeeds) and recorded; every other call is unsupported.
 */
final class FakeSqsClient implements SqsClient {

    static final String QUEUE_A = "http://127.0.0.1:9324/000000000000/a";
    static final String QUEUE_B = "http://127.0.0.1:9324/000000000000/b";

    volatile Function<DeleteMessageBatchRequest, DeleteMessageBatchResponse> deletes = FakeSqsClient::allDeleted;
    volatile Function<ChangeMessageVisibilityBatchRequest, ChangeMessageVisibilityBatchResponse> visibility =
            FakeSqsClient::allChanged;
    final List<DeleteMessageBatchRequest> deleteCalls = new CopyOnWriteArrayList<>();
    final List<ChangeMessageVisibilityBatchRequest> visibilityCalls = new CopyOnWriteArrayList<>();

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        deleteCalls.add(request);
        return deletes.apply(request);
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
        visibilityCalls.add(request);
        return visibility.apply(request);
    }

    /** How many delete entries carried this receipt handle, over all calls. */
    long deleteAttempts(String receiptHandle) {
        return deleteCalls.stream().flatMap(c -> c.entries().stream())
                .filter(e -> e.receiptHandle().equals(receiptHandle)).count();
    }

    static DeleteMessageBatchResponse allDeleted(DeleteMessageBatchRequest request) {
        return DeleteMessageBatchResponse.builder().successful(request.entries().stream()
                .map(e -> DeleteMessageBatchResultEntry.builder().id(e.id()).build()).toList()).build();
    }

    static ChangeMessageVisibilityBatchResponse allChanged(ChangeMessageVisibilityBatchRequest request) {
        return ChangeMessageVisibilityBatchResponse.builder().successful(request.entries().stream()
                .map(e -> ChangeMessageVisibilityBatchResultEntry.builder().id(e.id()).build()).toList()).build();
    }

    /** Answers each delete entry with {@code failure} (null = success). */
    static DeleteMessageBatchResponse answer(DeleteMessageBatchRequest request,
                                             Function<DeleteMessageBatchRequestEntry, BatchResultErrorEntry> failure) {
        List<DeleteMessageBatchResultEntry> ok = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (DeleteMessageBatchRequestEntry e : request.entries()) {
            BatchResultErrorEntry f = failure.apply(e);
            if (f == null) {
                ok.add(DeleteMessageBatchResultEntry.builder().id(e.id()).build());
            } else {
                failed.add(f.toBuilder().id(e.id()).build());
            }
        }
        return DeleteMessageBatchResponse.builder().successful(ok).failed(failed).build();
    }

    static BatchResultErrorEntry serverFault() {
        return BatchResultErrorEntry.builder().code("InternalError").message("try again").senderFault(false).build();
    }

    static BatchResultErrorEntry expiredReceiptHandle() {
        return BatchResultErrorEntry.builder().code("ReceiptHandleIsInvalid").message("expired").senderFault(true).build();
    }

    /** Blocks the calling (SQS call) thread until the latch opens; an interrupt ends it as the SDK would. */
    static void block(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.builder().message("interrupted").build();
        }
    }

    /** A received message of {@code queueUrl} whose receipt handle is {@code "rh-" + id}. */
    static InFlightMessage message(String queueUrl, String id, long visibleAgainAtNanos) {
        return new InFlightMessage(SqsQueue.of(queueUrl),
                Message.builder().messageId(id).receiptHandle("rh-" + id).body("body " + id).build(), visibleAgainAtNanos);
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {
        // nothing to release
    }
}
