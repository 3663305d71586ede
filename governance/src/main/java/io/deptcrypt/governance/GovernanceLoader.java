package io.deptcrypt.governance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.deptcrypt.governance.Governance.Application;
import io.deptcrypt.governance.Governance.Department;
import io.deptcrypt.governance.Governance.Quarantine;
import io.deptcrypt.governance.Governance.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code governance.yaml} and validates it completely before anything uses it. Every error names the file,
 * the field path (e.g. {@code departments[1].readers[0]}) and what is wrong. The format is documented in
 * {@code docs/governance.md}.
 */
public final class GovernanceLoader {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern TYPE_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    /** The fields every ingest event may carry; the type field must be another. */
    private static final List<String> INGEST_FIELDS = List.of("department", "data", "eventId", "partitionKey");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/[\\w+=,.@/-]{1,512}");

    private GovernanceLoader() {}

    public static Governance load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new GovernanceException(file + ": file not found");
        } catch (IOException e) {
            throw new GovernanceException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static Governance parse(String yaml, String source) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new GovernanceException(source + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        return new Reader(source).governance(root);
    }

    /** Walks the tree; every failure becomes a GovernanceException naming source and path. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        GovernanceException error(String path, String message) {
            return new GovernanceException(source + ": " + path + ": " + message);
        }

        Governance governance(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new GovernanceException(source + ": the file is empty");
            }
            object(root, "(top level)", "account", "region", "topics", "applications", "owner", "keyAdmins",
                    "quarantine", "departments", "typeField", "eventTypes");
            String account = string(root, "", "account", ACCOUNT, "must be a 12-digit AWS account id");
            String region = string(root, "", "region", REGION, "must be an AWS region such as us-east-1");
            Topics topics = topics(required(root, "", "topics"));

            List<Application> applications = new ArrayList<>();
            JsonNode apps = required(root, "", "applications");
            Set<String> appNames = new LinkedHashSet<>();
            Set<String> roles = new HashSet<>();
            for (int i = 0; i < arrayOf(apps, "applications", true).size(); i++) {
                String p = "applications[" + i + "]";
                JsonNode a = apps.get(i);
                object(a, p, "name", "role");
                String name = string(a, p, "name", NAME, "must be lower-case letters, digits and '-', starting with a letter");
                String role = string(a, p, "role", ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
                if (!role.split(":")[4].equals(account)) {
                    throw error(p + ".role", "'" + role + "' is in account " + role.split(":")[4] + ", not " + account);
                }
                if (!appNames.add(name)) {
                    throw error(p + ".name", "duplicate application '" + name + "'");
                }
                if (!roles.add(role)) {
                    throw error(p + ".role", "role '" + role + "' is already used by another application; each application needs its own role");
                }
                applications.add(new Application(name, role));
            }

            String owner = string(root, "", "owner", NAME, "must name an application");
            declared(appNames, owner, "owner");
            List<String> keyAdmins = appRefs(root, "", "keyAdmins", appNames, true);
            if (keyAdmins.contains(owner)) {
                throw error("keyAdmins", "'" + owner + "' is the owner (encryptor); key administration must be a separate principal");
            }

            Set<String> keys = new HashSet<>();
            JsonNode q = required(root, "", "quarantine");
            object(q, "quarantine", "key", "readers");
            KmsArn qKey = arn(q, "quarantine", account, region);
            keys.add(qKey.toString());
            List<String> qReaders = appRefs(q, "quarantine", "readers", appNames, false);
            if (qReaders.contains(owner)) {
                throw error("quarantine.readers", "the owner '" + owner + "' must not read the quarantine");
            }

            JsonNode deps = required(root, "", "departments");
            List<Department> departments = new ArrayList<>();
            Set<String> deptNames = new HashSet<>();
            for (int i = 0; i < arrayOf(deps, "departments", true).size(); i++) {
                String p = "departments[" + i + "]";
                JsonNode d = deps.get(i);
                object(d, p, "name", "key", "readers");
                String name = string(d, p, "name", NAME, "must be lower-case letters, digits and '-', starting with a letter");
                if (!deptNames.add(name)) {
                    throw error(p + ".name", "duplicate department '" + name + "'");
                }
                KmsArn key = arn(d, p, account, region);
                if (!keys.add(key.toString())) {
                    throw error(p + ".key", "'" + key + "' is already used by another department or the quarantine;"
                            + " each department needs its own key");
                }
                List<String> readers = appRefs(d, p, "readers", appNames, true);
                if (readers.contains(owner)) {
                    throw error(p + ".readers", "the owner '" + owner + "' encrypts and must not be a reader");
                }
                for (String admin : keyAdmins) {
                    if (readers.contains(admin)) {
                        throw error(p + ".readers", "'" + admin + "' is a key administrator and must not be a reader");
                    }
                }
                departments.add(new Department(name, key, readers));
            }
            String typeField = root.hasNonNull("typeField")
                    ? string(root, "", "typeField", TYPE_FIELD, "must be a JSON field name (letters, digits, '_',"
                            + " starting with a letter)")
                    : Governance.DEFAULT_TYPE_FIELD;
            if (INGEST_FIELDS.contains(typeField)) {
                throw error("typeField", "'" + typeField + "' is already a field of every ingest event ("
                        + String.join(", ", INGEST_FIELDS) + ")");
            }
            List<EventType> eventTypes = root.hasNonNull("eventTypes")
                    ? eventTypes(root.get("eventTypes"), new LinkedHashSet<>(departments.stream()
                            .map(Department::name).toList()))
                    : List.of();
            return new Governance(source, account, region, topics, applications, owner, keyAdmins,
                    new Quarantine(qKey, qReaders), departments, typeField, eventTypes);
        }

        List<EventType> eventTypes(JsonNode types, Set<String> departments) {
            List<EventType> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < arrayOf(types, "eventTypes", true).size(); i++) {
                String p = "eventTypes[" + i + "]";
                JsonNode t = types.get(i);
                object(t, p, "name", "audiences", "fields");
                String name = string(t, p, "name", NAME, "must be lower-case letters, digits and '-', starting with a letter");
                if (!names.add(name)) {
                    throw error(p + ".name", "duplicate event type '" + name + "'");
                }
                SortedSet<String> audiences = departmentRefs(t, p, departments);
                if (audiences.size() > EventType.MAX_AUDIENCES) {
                    throw error(p + ".audiences", "has " + audiences.size() + " departments; at most "
                            + EventType.MAX_AUDIENCES + " can read one event");
                }
                out.add(new EventType(name, audiences, fieldRules(t, p, name, audiences, departments)));
            }
            return out;
        }

        List<EventType.FieldRule> fieldRules(JsonNode type, String path, String typeName, SortedSet<String> typeAudiences,
                Set<String> departments) {
            JsonNode fields = type.get("fields");
            if (fields == null || fields.isNull()) {
                return List.of();
            }
            String fp = path + ".fields";
            List<EventType.FieldRule> rules = new ArrayList<>();
            Set<SortedSet<String>> groups = new HashSet<>();
            for (int j = 0; j < arrayOf(fields, fp, true).size(); j++) {
                String p = fp + "[" + j + "]";
                JsonNode f = fields.get(j);
                object(f, p, "pointer", "audiences");
                String pointer = pointer(required(f, p, "pointer"), p + ".pointer");
                for (EventType.FieldRule earlier : rules) {
                    if (overlaps(earlier.pointer(), pointer)) {
                        throw error(p + ".pointer", "'" + pointer + "' " + (earlier.pointer().equals(pointer)
                                ? "has a rule already" : "overlaps the rule for '" + earlier.pointer() + "'")
                                + "; each value may have one rule only");
                    }
                }
                SortedSet<String> audiences = departmentRefs(f, p, departments);
                for (String a : audiences) {
                    if (!typeAudiences.contains(a)) {
                        throw error(p + ".audiences", "'" + a + "' is not an audience of event type '" + typeName
                                + "' (its audiences: " + typeAudiences + ")");
                    }
                }
                if (audiences.equals(typeAudiences)) {
                    throw error(p + ".audiences", "lists every audience of event type '" + typeName
                            + "'; a field every audience reads needs no rule");
                }
                groups.add(audiences);
                if (groups.size() > EventType.MAX_FIELD_GROUPS) {
                    throw error(p + ".audiences", "is the " + groups.size() + "th distinct audience set of event type '"
                            + typeName + "'; at most " + EventType.MAX_FIELD_GROUPS + " fit in one record");
                }
                rules.add(new EventType.FieldRule(pointer, audiences));
            }
            return rules;
        }

        /** A JSON Pointer (RFC 6901) to a value inside the data, not the data itself. */
        String pointer(JsonNode n, String path) {
            if (!n.isTextual()) {
                throw error(path, "must be a string, a JSON Pointer such as /iban");
            }
            String text = n.textValue();
            if (text.isEmpty() || text.equals("/")) {
                throw error(path, "'" + text + "' names the whole data, not a field in it (e.g. /iban)");
            }
            try {
                JsonPointer.compile(text);
            } catch (IllegalArgumentException e) {
                throw error(path, "'" + text + "' is not a JSON Pointer (RFC 6901: '/' then the field name, '~0' for"
                        + " '~' and '~1' for '/')");
            }
            if (text.getBytes(StandardCharsets.UTF_8).length > EventType.MAX_POINTER_BYTES) {
                throw error(path, "is longer than " + EventType.MAX_POINTER_BYTES + " UTF-8 bytes");
            }
            return text;
        }

        /** Whether one pointer is the other or inside it ({@code /a} and {@code /a/b}; not {@code /a} and {@code /ab}). */
        static boolean overlaps(String a, String b) {
            return a.equals(b) || b.startsWith(a + "/") || a.startsWith(b + "/");
        }

        SortedSet<String> departmentRefs(JsonNode parent, String path, Set<String> departments) {
            String p = path + ".audiences";
            JsonNode n = required(parent, path, "audiences");
            SortedSet<String> out = new TreeSet<>();
            for (int i = 0; i < arrayOf(n, p, true).size(); i++) {
                JsonNode e = n.get(i);
                String ep = p + "[" + i + "]";
                if (!e.isTextual()) {
                    throw error(ep, "must be a department name");
                }
                if (!departments.contains(e.textValue())) {
                    throw error(ep, "'" + e.textValue() + "' is not a declared department (declared: " + departments
                            + ")");
                }
                if (!out.add(e.textValue())) {
                    throw error(ep, "'" + e.textValue() + "' is listed twice");
                }
            }
            return out;
        }

        Topics topics(JsonNode t) {
            object(t, "topics", "ingest", "shared", "deadLetter", "partitions", "governance", "keys");
            String rule = "must be a Kafka topic name ([a-zA-Z0-9._-], 1-249 chars)";
            String ingest = string(t, "topics", "ingest", TOPIC, rule);
            String shared = string(t, "topics", "shared", TOPIC, rule);
            String dlq = string(t, "topics", "deadLetter", TOPIC, rule);
            String control = t.hasNonNull("governance") ? string(t, "topics", "governance", TOPIC, rule)
                    : Topics.DEFAULT_GOVERNANCE;
            String keys = t.hasNonNull("keys") ? string(t, "topics", "keys", TOPIC, rule) : Topics.DEFAULT_KEYS;
            if (new HashSet<>(List.of(ingest, shared, dlq, control, keys)).size() != 5) {
                throw error("topics", "ingest, shared, deadLetter, governance and keys must be five different topics"
                        + " (governance defaults to " + Topics.DEFAULT_GOVERNANCE + ", keys to " + Topics.DEFAULT_KEYS + ")");
            }
            JsonNode parts = required(t, "topics", "partitions");
            if (!parts.isInt() || parts.asInt() < 1 || parts.asInt() > 10_000) {
                throw error("topics.partitions", "must be a whole number from 1 to 10000, got " + parts);
            }
            return new Topics(ingest, shared, dlq, parts.asInt(), control, keys);
        }

        KmsArn arn(JsonNode parent, String path, String account, String region) {
            JsonNode n = required(parent, path, "key");
            if (!n.isTextual()) {
                throw error(path + ".key", "must be a string");
            }
            KmsArn arn;
            try {
                arn = KmsArn.parse(n.asText());
            } catch (IllegalArgumentException e) {
                throw error(path + ".key", e.getMessage());
            }
            if (!arn.account().equals(account) || !arn.region().equals(region)) {
                throw error(path + ".key", "'" + arn + "' is not in account " + account + " and region " + region);
            }
            return arn;
        }

        List<String> appRefs(JsonNode parent, String path, String field, Set<String> apps, boolean nonEmpty) {
            String p = path.isEmpty() ? field : path + "." + field;
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                if (nonEmpty) {
                    throw error(p, "is missing; list at least one application");
                }
                return List.of();
            }
            List<String> out = new ArrayList<>();
            JsonNode arr = arrayOf(n, p, nonEmpty);
            for (int i = 0; i < arr.size(); i++) {
                JsonNode e = arr.get(i);
                if (!e.isTextual()) {
                    throw error(p + "[" + i + "]", "must be an application name");
                }
                declared(apps, e.asText(), p + "[" + i + "]");
                if (out.contains(e.asText())) {
                    throw error(p + "[" + i + "]", "'" + e.asText() + "' is listed twice");
                }
                out.add(e.asText());
            }
            return out;
        }

        void declared(Set<String> apps, String name, String path) {
            if (!apps.contains(name)) {
                throw error(path, "'" + name + "' is not a declared application (declared: " + apps + ")");
            }
        }

        JsonNode arrayOf(JsonNode n, String path, boolean nonEmpty) {
            if (!n.isArray()) {
                throw error(path, "must be a list");
            }
            if (nonEmpty && n.isEmpty()) {
                throw error(path, "must not be empty");
            }
            return n;
        }

        void object(JsonNode n, String path, String... allowed) {
            if (!n.isObject()) {
                throw error(path, "must be a mapping of fields");
            }
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!ok.contains(f)) {
                    throw error(path.equals("(top level)") ? f : path + "." + f,
                            "unknown field (allowed here: " + String.join(", ", allowed) + ")");
                }
            }
        }

        JsonNode required(JsonNode parent, String path, String field) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                throw error(path.isEmpty() ? field : path + "." + field, "is missing");
            }
            return n;
        }

        String string(JsonNode parent, String path, String field, Pattern pattern, String rule) {
            String p = path.isEmpty() ? field : path + "." + field;
            JsonNode n = required(parent, path, field);
            if (!n.isTextual() && !n.isNumber()) {
                throw error(p, "must be a string");
            }
            String v = n.asText();
            if (!pattern.matcher(v).matches()) {
                throw error(p, "'" + v + "' " + rule);
            }
            return v;
        }
    }
}
