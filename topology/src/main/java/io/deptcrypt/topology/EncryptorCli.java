package io.deptcrypt.topology;

import io.deptcrypt.crypto.KmsKeyringProvider;
import io.deptcrypt.runtime.KmsSettings;
import io.deptcrypt.runtime.StreamsApp;
import io.deptcrypt.runtime.StreamsAppCommand;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code java -jar topology/target/deptcrypt-topology.jar --config config/topology.properties}. Exit codes as
 * {@link StreamsAppCommand}'s: 1 when the encryptor stopped on an error (for example KMS access denied).
 */
@Command(name = "deptcrypt-topology", mixinStandardHelpOptions = true, version = "deptcrypt-topology 0.1.0",
        description = "The deptcrypt encryptor: seals ingest events per department onto the shared topic"
                + " (e.g. --config config/topology.properties).")
public final class EncryptorCli extends StreamsAppCommand<EncryptorConfig> {

    public static void main(String[] args) {
        main(new EncryptorCli(), args);
    }

    @Override
    protected EncryptorConfig load(Path file) {
        return EncryptorConfig.load(file);
    }

    @Override
    protected KmsSettings kms(EncryptorConfig config) {
        return config.kms();
    }

    @Override
    protected StreamsApp start(EncryptorConfig config, KmsClient kms) {
        return EncryptorApp.start(config, new KmsKeyringProvider(kms, config.governance()));
    }

    @Override
    protected String describeFailure(Throwable e) {
        return EncryptorApp.describeFailure(e);
    }
}
