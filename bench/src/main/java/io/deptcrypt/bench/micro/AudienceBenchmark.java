package io.deptcrypt.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deptcrypt.bench.Payloads;
import io.deptcrypt.crypto.EnvelopeHeaders;
import io.deptcrypt.crypto.FieldParts;
import io.deptcrypt.crypto.Opener;
import io.deptcrypt.crypto.OpenerConfig;
import io.deptcrypt.crypto.SealContext;
import io.deptcrypt.crypto.Sealer;
import io.deptcrypt.crypto.SealerConfig;
import io.deptcrypt.crypto.avro.EnvelopeFormatId;
import io.deptcrypt.governance.EventType;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.testkit.InMemoryKeysTopic;
import io.deptcrypt.testkit.RawAesKeyringProvider;
import io.deptcrypt.testkit.TestEventTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One event read by several audiences (docs/event-types.md), sealed and opened as the encryptor and a consumer do, on
 * a 1 KB JSON event: {@link Audiences#WHOLE_1} is today's one-department record ({@code Sealer.sealRecord});
 * {@code WHOLE_2} and {@code WHOLE_3} are a typed event without field rules for 2 and 3 audiences (one part);
 * {@code FIELDS_2} is a typed event for 2 audiences with 2 field groups, {@code /iban} for finance and {@code /customer}
 * for sales (three parts). Typed seals include {@code FieldParts.split} of the parsed data (the encryptor parses every
 * event anyway); opening is as finance. Data keys are cached, so no KMS is involved (KMS costs per audience set and
 * data-key lifetime are in docs/event-types.md). {@link #main} prints each variant's record size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AudienceBenchmark {

    /** The variants measured. */
    public enum Audiences {
        WHOLE_1(null),
        WHOLE_2("bench-two"),
        WHOLE_3("bench-three"),
        FIELDS_2("bench-fields");

        final String eventType;

        Audiences(String eventType) {
            this.eventType = eventType;
        }
    }

    static final String TOPIC = "deptcrypt.shared";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The test governance with event types (finance, hr, sales, ...), and this benchmark's three types. */
    static final String GOVERNANCE_YAML = TestEventTypes.YAML + """
              - name: bench-two
                audiences: [finance, sales]
              - name: bench-three
                audiences: [finance, hr, sales]
              - name: bench-fields
                audiences: [finance, sales]
                fields:
                  - pointer: /iban
                    audiences: [finance]
                  - pointer: /customer
                    audiences: [sales]
            """;

    /** Kept for the suite's common parameters; this benchmark brings its own governance. */
    @Param("config/governance.yaml")
    public String governancePath;

    /** The event's size, JSON; the suite sets 1024 in quick runs. */
    @Param("1024")
    public int size;

    @Param({"WHOLE_1", "WHOLE_2", "WHOLE_3", "FIELDS_2"})
    public String audiences;

    private Sealer sealer;
    private Opener opener;
    private Audiences variant;
    private EventType type;
    private JsonNode data;
    private byte[] plaintext;
    private SealContext context;
    private byte[] sealedBytes;
    private byte[] audienceHeader;

    @Setup(Level.Trial)
    public void setUp() {
        Governance g = GovernanceLoader.parse(GOVERNANCE_YAML, "bench:audiences.yaml");
        RawAesKeyringProvider keyrings = RawAesKeyringProvider.generate(g);
        InMemoryKeysTopic keysTopic = new InMemoryKeysTopic();
        sealer = Sealer.create(g, keyrings, SealerConfig.defaults().withFormat(EnvelopeFormatId.AES_GCM_V2), keysTopic);
        opener = Opener.create(keyrings, OpenerConfig.defaults(), keysTopic);
        variant = Audiences.valueOf(audiences);
        type = variant.eventType == null ? null : g.findEventType(variant.eventType).orElseThrow();
        data = event(size);
        plaintext = bytes(data);
        context = new SealContext("finance", "7d0c9f4e-2b1a-4c53-9a51-0d6f3b8e2c11", TOPIC, System.currentTimeMillis(),
                "application/json");
        RecordHeaders headers = new RecordHeaders();
        sealedBytes = seal(headers);
        audienceHeader = EnvelopeHeaders.audience(headers);
        opener.open(TOPIC, sealedBytes, "finance", audienceHeader); // warms the data-key cache
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sealer.close();
    }

    @Benchmark
    public byte[] seal() {
        return seal(new RecordHeaders());
    }

    @Benchmark
    public byte[] open() {
        return opener.open(TOPIC, sealedBytes, "finance", audienceHeader).plaintext();
    }

    private byte[] seal(RecordHeaders headers) {
        if (type == null) {
            return sealer.sealRecord(context, plaintext, headers);
        }
        return sealer.sealParts(context.eventId(), TOPIC, context.timestampMillis(), "application/json",
                FieldParts.split(data, type), headers);
    }

    /** A JSON object of {@code size} bytes: amount, currency, customer, IBAN and a note filling the rest. */
    static JsonNode event(int size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("amount", 12345.67);
        d.put("currency", "EUR");
        d.put("customer", "ACME GmbH");
        d.put("iban", "DE89370400440532013000");
        d.put("note", "");
        int fill = size - bytes(d).length;
        d.put("note", Payloads.text(Math.max(0, fill), 42L));
        return d;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints each variant's record size (the Kafka value) for a 1 KB event. */
    public static void main(String[] args) {
        for (Audiences a : Audiences.values()) {
            AudienceBenchmark b = new AudienceBenchmark();
            b.size = 1024;
            b.audiences = a.name();
            b.setUp();
            System.out.printf(Locale.ROOT, "%s: event %d bytes, record %d bytes, audience header '%s'%n", a,
                    b.plaintext.length, b.sealedBytes.length,
                    b.audienceHeader == null ? "" : new String(b.audienceHeader, StandardCharsets.UTF_8));
            b.tearDown();
        }
    }
}
