package io.deptcrypt.consumers;

import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.runtime.KmsSettings;
import io.deptcrypt.runtime.StreamsApp;
import io.deptcrypt.runtime.StreamsAppCommand;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code java -jar consumers/target/deptcrypt-consumer.jar --config config/finance-consumer.properties}. Exit codes
 * as {@link StreamsAppCommand}'s: 1 when the consumer stopped on an error (a record it cannot open under
 * failure.action=FAIL, KMS access denied).
 */
@Command(name = "deptcrypt-consumer", mixinStandardHelpOptions = true, version = "deptcrypt-consumer 0.1.0",
        description = "A deptcrypt department consumer: reads its department's events from the shared topic and opens"
                + " them (e.g. --config config/finance-consumer.properties).")
public final class ConsumerCli extends StreamsAppCommand<DepartmentConsumerConfig> {

    public static void main(String[] args) {
        main(new ConsumerCli(), args);
    }

    @Override
    protected DepartmentConsumerConfig load(Path file) {
        return DepartmentConsumerConfig.load(file);
    }

    @Override
    protected KmsSettings kms(DepartmentConsumerConfig config) {
        return config.kms();
    }

    @Override
    protected StreamsApp start(DepartmentConsumerConfig config, KmsClient kms) {
        return DepartmentConsumerApp.start(config, new KmsKeyringProvider(kms, config.governance()), null);
    }

    @Override
    protected String describeFailure(Throwable e) {
        return DepartmentConsumerApp.describeFailure(e);
    }
}
