package io.deptcrypt.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.deptcrypt.connectors.sqs.SqsRecordMapper;
import io.deptcrypt.topology.IngestParser;
import org.junit.jupiter.api.Test;

/** The stack's two halves agree on the ingest topic: the connector writes what the encryptor reads. */
class IngestContractTest {

    @Test
    void theEncryptorTakesThePartitionKeyFromTheHeaderTheConnectorWritesTheFifoGroupIdTo() {
        assertThat(IngestParser.PARTITION_KEY_HEADER).isEqualTo(SqsRecordMapper.HEADER_GROUP_ID);
    }
}
