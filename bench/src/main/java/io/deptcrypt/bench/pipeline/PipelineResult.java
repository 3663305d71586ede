package io.deptcrypt.bench.pipeline;

import java.util.List;
import java.util.Map;

/**
 * Everything the pipeline benchmark measured. Throughput pairs were run alternately in the same JVM against the same
 * broker and pre-loaded events; ratios are medians of the per-round ratios.
 *
 * @param events         1 KB events pre-loaded for the pairs
 * @param eventBytes     mean size of one ingest value (JSON around a 1 KB body)
 * @param rounds         rounds per pair
 * @param format         the envelope format of {@code encryptor}, {@code consumer} and the latency run: the
 *                       encryptor's default
 * @param encryptor      plaintext passthrough vs the encryptor topology
 * @param encryptorVsSizeMatched the passthrough with values padded to the encrypted records' size vs the encryptor:
 *                       what the crypto work costs apart from the envelope's extra bytes
 * @param sizeMatchPadBytes bytes added to each passthrough value for that baseline (encrypted minus plaintext record)
 * @param recordBytes    what the encrypted and the plaintext records on the shared topic are made of, per format
 *                       ({@code format} first, then AES_GCM_V1)
 * @param encryptorV1    plaintext passthrough vs the encryptor writing AES_GCM_V1 (self-contained records)
 * @param encryptorScram the encryptor on the PLAINTEXT broker vs on the SASL/SCRAM + StandardAuthorizer broker
 * @param encryptorDedupe the encryptor without the ingest dedupe store ({@code dedupe.window.ms=0}) vs with it (the
 *                       default): what dropping second copies costs
 * @param consumer       plain consumer vs the decrypting department consumer, both over the encrypted shared topic
 * @param consumerVsPlaintextTopic the decrypting consumer vs a plain consumer of the passthrough's plaintext topic
 * @param consumerV1     the same as {@code consumer} over AES_GCM_V1 records
 * @param consumerScram  the decrypting consumer on the PLAINTEXT broker vs on the SCRAM broker
 * @param seed           the seed's way in the same topology
 * @param speedupVsSeed  encryptor steady events/s (median) over the seed's steady events/s
 * @param kms            KMS calls made by the encryptor and the consumer during the pairs
 * @param latency        end-to-end latency at a fixed offered load, encrypted and plaintext
 * @param settings       the Streams/producer settings both sides of every pair used
 */
public record PipelineResult(
        int events,
        int eventBytes,
        int rounds,
        String format,
        Pair encryptor,
        Pair encryptorVsSizeMatched,
        int sizeMatchPadBytes,
        List<RecordBytes> recordBytes,
        Pair encryptorV1,
        Pair encryptorScram,
        Pair encryptorDedupe,
        Pair consumer,
        Pair consumerVsPlaintextTopic,
        Pair consumerV1,
        Pair consumerScram,
        Seed seed,
        double speedupVsSeed,
        Kms kms,
        List<Latency> latency,
        Map<String, String> settings) {

    /**
     * One side of a pair over all rounds: steady rates (10%..90% of the input), whole-run rates (first record to
     * completion) and the CPU microseconds per event of the app's own threads (stream thread and its producer's
     * network thread, in the app's worker JVM) and of the broker's JVM over the steady window, see {@code Window}.
     * MB/s counts
     * {@link #eventBytes}-byte ingest events.
     */
    public record Side(String name, List<Double> roundEventsPerSecond, double medianEventsPerSecond,
                       double medianMegabytesPerSecond, List<Double> roundWholeRunEventsPerSecond,
                       double medianWholeRunEventsPerSecond, List<Double> roundCpuMicrosPerEvent,
                       double medianCpuMicrosPerEvent, List<Double> roundBrokerCpuMicrosPerEvent,
                       double medianBrokerCpuMicrosPerEvent) {}

    /**
     * Two sides measured alternately; {@code ratio} = median over rounds of candidate/baseline steady rate,
     * {@code wholeRunRatio} the same for whole-run rates, {@code cpuRatio} the same for events per CPU-second of
     * the app's threads (baseline CPU per event / candidate CPU per event): what the app itself pays, the figure
     * other load on the machine disturbs least.
     */
    public record Pair(String description, Side baseline, Side candidate, List<Double> roundRatios, double ratio,
                       double wholeRunRatio, List<Double> roundCpuRatios, double cpuRatio) {}

    /** The seed's way: events, whole-run seconds, steady and whole-run rates, and the KMS calls it made. */
    public record Seed(int events, double seconds, double eventsPerSecond, double wholeRunEventsPerSecond,
                       long kmsGenerateDataKey) {}

    /**
     * KMS calls counted by localkms's audit log (by principal) during the pairs.
     *
     * @param eventsSealed               events the encryptor sealed across all rounds
     * @param encryptorInstances         encryptor app instances started (each starts with an empty data-key cache)
     * @param generateDataKey            GenerateDataKey calls by the encryptor
     * @param generateDataKeyPer100k     per 100,000 events sealed
     * @param dataKeyLifetimes           lifetimes the run needed at least: per instance and department, ceil(records / max records per key)
     * @param generateDataKeyPerDepartmentPerLifetime generateDataKey / dataKeyLifetimes (target <= 1)
     * @param consumerEventsOpened       events the decrypting consumer opened across all rounds
     * @param consumerDecrypt            Decrypt calls by the consumer
     * @param decryptPer100k             per 100,000 events opened
     * @param source                     where the counts come from
     */
    public record Kms(long eventsSealed, int encryptorInstances, long generateDataKey, double generateDataKeyPer100k,
                      long dataKeyLifetimes, double generateDataKeyPerDepartmentPerLifetime,
                      long consumerEventsOpened, long consumerDecrypt, double decryptPer100k, String source) {}

    /** End-to-end latency, produce timestamp to consumer delivery (SQS excluded), at a fixed offered load. */
    public record Latency(String path, int offeredEventsPerSecond, int seconds, long delivered, long measured,
                          double p50Millis, double p99Millis, double maxMillis) {}
}
