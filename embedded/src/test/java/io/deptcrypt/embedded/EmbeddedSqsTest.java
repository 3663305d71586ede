package io.deptcrypt.embedded;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedSqsTest {

    @Test
    void sendsReceivesAndDeletesOnStandardAndFifoQueues() {
        try (EmbeddedSqs sqs = EmbeddedSqs.start()) {
            SqsClient client = sqs.client();
            String url = sqs.createQueue("plain");
            assertThat(url).startsWith(sqs.endpoint().toString()).endsWith("/plain");

            client.sendMessage(b -> b.queueUrl(url).messageBody("hi"));
            List<Message> got = client.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).maxNumberOfMessages(10)).messages();
            assertThat(got).extracting(Message::body).containsExactly("hi");
            client.deleteMessage(b -> b.queueUrl(url).receiptHandle(got.get(0).receiptHandle()));
            assertThat(sqs.approximateMessageCount(url)).isZero();

            String fifo = sqs.createFifoQueue("ordered.fifo", false);
            client.sendMessage(b -> b.queueUrl(fifo).messageBody("a").messageGroupId("g").messageDeduplicationId("1"));
            Message m = client.receiveMessage(b -> b.queueUrl(fifo).waitTimeSeconds(5)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().get(0);
            assertThat(m.attributes()).containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "g");

            assertThatThrownBy(() -> sqs.createFifoQueue("no-suffix", false)).hasMessageContaining(".fifo");
        }
    }
}
