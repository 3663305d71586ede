package io.deptcrypt.devstack;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a demo run measured.
 *
 * @param encryptedAs     envelope format → this run's records on the shared topic written in it
 * @param delivered       department → events of this run it delivered (counting duplicates)
 * @param problems        why the run failed; empty when every event reached exactly its department exactly once
 * @param stackReady      time from start until every component was ready
 */
public record DemoResult(
        int sent,
        int landedInKafka,
        int encrypted,
        Map<String, Integer> encryptedAs,
        Map<String, Integer> delivered,
        int crossReadsDenied,
        int deadLettered,
        KmsCalls kmsCalls,
        Duration stackReady,
        Duration elapsed,
        List<String> problems) {

    public DemoResult {
        encryptedAs = Collections.unmodifiableMap(new LinkedHashMap<>(encryptedAs));
        delivered = Collections.unmodifiableMap(new LinkedHashMap<>(delivered));
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** KMS calls the stack made during the run, by operation. */
    public record KmsCalls(long generateDataKey, long encrypt, long decrypt, long denied) {
        public long total() {
            return generateDataKey + encrypt + decrypt;
        }
    }
}
