package io.deptcrypt.embedded;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A JVM that runs a persistent {@link EmbeddedSqs} on the directory given as its argument, prints
 * {@value #READY}{@code <port>}, and runs until its stdin closes: {@link EmbeddedSqsTest} kills it to play a crash.
 */
final class PersistentSqsProcess {

    static final String READY = "ready on port ";

    private PersistentSqsProcess() {
    }

    public static void main(String[] args) throws IOException {
        EmbeddedSqs sqs = EmbeddedSqs.start(Path.of(args[0]), 0);
        System.out.println(READY + sqs.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait to be killed
        }
        sqs.close();
    }
}
