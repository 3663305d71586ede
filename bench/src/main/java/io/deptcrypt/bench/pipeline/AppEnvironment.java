package io.deptcrypt.bench.pipeline;

import io.deptcrypt.runtime.KmsSettings;
import java.util.Map;
import software.amazon.awssdk.services.kms.KmsClient;

/** What an app under measurement needs from its surroundings: the broker, KMS as some application, and settings. */
interface AppEnvironment {

    String bootstrap();

    /** The Streams settings both sides of every pair run with. */
    Map<String, String> streamsCommon();

    /** A new KMS client signing as {@code application}, its requests counted in {@link #kmsCalls()}; the caller closes it. */
    KmsClient kmsClient(String application);

    KmsSettings kmsSettings(String application);

    /** The key ARN (not the alias) of a department's key. */
    String keyArn(String department);

    KmsCallCounter kmsCalls();
}
