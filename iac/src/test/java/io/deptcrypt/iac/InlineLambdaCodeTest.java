package io.deptcrypt.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python inline in the templates (demo generator, bootstrap-brokers custom resource), run under the local
 * python3 with stand-ins for boto3 and cfnresponse: what it would send to SQS and to CloudFormation.
 */
class InlineLambdaCodeTest {

    private static final String STUBS = """
            import json
            calls = []
            class _Sqs:
                def send_message_batch(self, QueueUrl, Entries):
                    calls.append({"url": QueueUrl, "entries": Entries})
                    return {"Successful": [{"Id": e["Id"]} for e in Entries], "Failed": []}
            class _Kafka:
                def get_bootstrap_brokers(self, ClusterArn):
                    if ClusterArn.endswith("/missing"):
                        raise RuntimeError("cluster not found")
                    return {"BootstrapBrokerStringSaslIam": "b-1.example:9098,b-2.example:9098"}
            def client(name):
                calls.append({"client": name})
                return {"sqs": _Sqs, "kafka": _Kafka}[name]()
            """;
    private static final String CFNRESPONSE = """
            SUCCESS = "SUCCESS"
            FAILED = "FAILED"
            sent = []
            def send(event, context, status, data, physical_id=None, no_echo=False, reason=None):
                sent.append({"status": status, "data": data, "physicalId": physical_id, "reason": reason})
            """;

    @TempDir
    Path tmp;
    private Path python;

    @BeforeEach
    void python() throws Exception {
        python = Processes.find("python3", "/usr/bin/python3", "/root/.pyenv/shims/python3").orElse(null);
        assumeTrue(python != null, "python3 is not installed: the inline Lambda code was NOT run");
        Files.writeString(tmp.resolve("boto3.py"), STUBS);
        Files.writeString(tmp.resolve("cfnresponse.py"), CFNRESPONSE);
    }

    private JsonNode runPython(String code, String script) throws Exception {
        Files.writeString(tmp.resolve("index.py"), code);
        Files.writeString(tmp.resolve("run.py"), script);
        Processes.Result r = Processes.run(List.of(python.toString(), "run.py"), Map.of("PYTHONDONTWRITEBYTECODE", "1"), tmp);
        assertThat(r.exit()).withFailMessage("python failed:\n%s%s", r.stdout(), r.stderr()).isZero();
        String[] lines = r.stdout().strip().split("\n");
        return Documents.parseJson(lines[lines.length - 1]);
    }

    private static String inlineCode(String template, String resource) {
        JsonNode t = Fixtures.handWrittenTemplates().get(template);
        String code = t.at("/Resources/" + resource + "/Properties/Code/ZipFile").asText();
        assertThat(code).as("%s %s inline code", template, resource).contains("def handler");
        return code;
    }

    @Test
    void generatorSendsDepartmentEventsInBatchesOfAtMostTen() throws Exception {
        JsonNode out = runPython(inlineCode("ingest.yaml", "Generator"), """
                import json, os
                os.environ.update(QUEUE_URL="https://sqs.example/123/deptcrypt-ingest", DEPARTMENTS="finance,sales", DEFAULT_COUNT="7")
                import boto3, index
                result = index.handler({"count": 25, "invalid": 2}, None)
                default = index.handler({}, None)
                only_hr = index.handler({"count": 3, "departments": ["hr"]}, None)
                batches = [c for c in boto3.calls if "entries" in c]
                print(json.dumps({"result": result, "default": default, "onlyHr": only_hr,
                                  "sizes": [len(b["entries"]) for b in batches], "urls": sorted({b["url"] for b in batches}),
                                  "bodies": [json.loads(e["MessageBody"]) for b in batches for e in b["entries"]]}))
                """);
        assertThat(out.at("/result/sent").asInt()).isEqualTo(27);
        assertThat(out.at("/result/failed").asInt()).isZero();
        assertThat(out.at("/result/perDepartment/no-such-department").asInt()).isEqualTo(2);
        assertThat(out.at("/default/sent").asInt()).isEqualTo(7);
        assertThat(out.at("/onlyHr/perDepartment/hr").asInt()).isEqualTo(3);
        assertThat(Fixtures.strings(out.get("urls"))).containsExactly("https://sqs.example/123/deptcrypt-ingest");
        out.get("sizes").forEach(s -> assertThat(s.asInt()).isBetween(1, 10));
        Set<String> departments = new HashSet<>();
        for (JsonNode body : out.get("bodies")) {
            assertThat(body.size()).as("event %s has exactly department and data", body).isEqualTo(2);
            assertThat(body.get("department").isTextual()).isTrue();
            assertThat(body.get("data").isObject()).isTrue();
            departments.add(body.get("department").asText());
            if (body.get("department").asText().equals("finance")) {
                assertThat(body.get("data").has("amount")).isTrue();
            }
        }
        assertThat(departments).contains("finance", "sales", "hr", "no-such-department");
    }

    @Test
    void bootstrapBrokersCustomResourceAnswersCloudFormationInEveryCase() throws Exception {
        JsonNode out = runPython(inlineCode("msk.yaml", "BootstrapBrokersFunction"), """
                import json
                import boto3, cfnresponse, index
                arn = "arn:aws:kafka:us-east-1:111122223333:cluster/deptcrypt/abc"
                index.handler({"RequestType": "Create", "ResourceProperties": {"ClusterArn": arn}}, None)
                index.handler({"RequestType": "Delete", "ResourceProperties": {"ClusterArn": arn}}, None)
                index.handler({"RequestType": "Update", "ResourceProperties": {"ClusterArn": arn + "/missing"}}, None)
                print(json.dumps({"sent": cfnresponse.sent, "clients": [c["client"] for c in boto3.calls if "client" in c]}))
                """);
        JsonNode sent = out.get("sent");
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0).get("status").asText()).isEqualTo("SUCCESS");
        assertThat(sent.get(0).at("/data/SaslIam").asText()).isEqualTo("b-1.example:9098,b-2.example:9098");
        assertThat(sent.get(0).get("physicalId").asText()).endsWith("cluster/deptcrypt/abc");
        assertThat(sent.get(1).get("status").asText()).isEqualTo("SUCCESS");
        assertThat(sent.get(2).get("status").asText()).isEqualTo("FAILED");
        assertThat(sent.get(2).get("reason").asText()).contains("cluster not found");
        assertThat(Fixtures.strings(out.get("clients"))).containsExactly("kafka", "kafka");
    }
}
