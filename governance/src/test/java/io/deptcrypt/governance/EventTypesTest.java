package io.deptcrypt.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTypesTest {

    /** The loader test's file with a third department (hr) and two event types. */
    static final String VALID = GovernanceLoaderTest.VALID
            .replace("""
                      - name: auditor
                    """, """
                      - name: hr-consumer
                        role: arn:aws:iam::111122223333:role/hr
                      - name: auditor
                    """)
            + """
                  - name: hr
                    key: arn:aws:kms:us-east-1:111122223333:alias/hr
                    readers: [hr-consumer]
                eventTypes:
                  - name: deal-won
                    audiences: [sales, finance, hr]
                    fields:
                      - pointer: /iban
                        audiences: [finance]
                      - pointer: /customer
                        audiences: [sales]
                      - pointer: /invoice/number
                        audiences: [finance]
                      - pointer: /bonus
                        audiences: [hr, sales]
                  - name: hire
                    audiences: [hr, finance]
                """;

    @Test
    void parsesEventTypes() {
        Governance g = GovernanceLoader.parse(VALID, "g.yaml");
        assertThat(g.typeField()).isEqualTo("type");
        assertThat(g.eventTypeNames()).containsExactly("deal-won", "hire");
        EventType deal = g.findEventType("deal-won").orElseThrow();
        assertThat(deal.audiences()).containsExactly("finance", "hr", "sales");
        assertThat(deal.fields()).extracting(EventType.FieldRule::pointer)
                .containsExactly("/iban", "/customer", "/invoice/number", "/bonus");
        assertThat(deal.rule("/bonus").orElseThrow().audiences()).containsExactly("hr", "sales");
        assertThat(deal.fieldGroups()).containsExactly(
                new EventType.FieldGroup(new TreeSet<>(List.of("finance")), List.of("/iban", "/invoice/number")),
                new EventType.FieldGroup(new TreeSet<>(List.of("sales")), List.of("/customer")),
                new EventType.FieldGroup(new TreeSet<>(List.of("hr", "sales")), List.of("/bonus")));
        assertThat(g.findEventType("hire").orElseThrow().fields()).isEmpty();
        assertThat(g.findEventType("fired")).isEmpty();
    }

    @Test
    void aFileWithoutEventTypesHasNone() {
        Governance g = GovernanceLoader.parse(GovernanceLoaderTest.VALID, "g.yaml");
        assertThat(g.eventTypes()).isEmpty();
        assertThat(g.typeField()).isEqualTo(Governance.DEFAULT_TYPE_FIELD);
    }

    @Test
    void typeFieldCanBeRenamed() {
        Governance g = GovernanceLoader.parse(VALID.replace("eventTypes:", "typeField: kind\neventTypes:"), "g.yaml");
        assertThat(g.typeField()).isEqualTo("kind");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            field names undeclared department | '      - pointer: /iban\\n        audiences: [finance]' | '      - pointer: /iban\\n        audiences: [legal]'           | eventTypes[0].fields[0].audiences[0]: 'legal' is not a declared department
            type names undeclared department  | 'audiences: [hr, finance]'                               | 'audiences: [hr, legal]'                                       | eventTypes[1].audiences[1]: 'legal' is not a declared department
            field for a non-audience          | 'audiences: [hr, finance]'                               | 'audiences: [hr, finance]\\n    fields:\\n      - pointer: /x\\n        audiences: [sales]' | eventTypes[1].fields[0].audiences: 'sales' is not an audience of event type 'hire'
            field for every audience          | 'audiences: [hr, finance]'                               | 'audiences: [hr, finance]\\n    fields:\\n      - pointer: /x\\n        audiences: [finance, hr]' | eventTypes[1].fields[0].audiences: lists every audience of event type 'hire'
            duplicate type                    | '  - name: hire'                                         | '  - name: deal-won'                                           | eventTypes[1].name: duplicate event type 'deal-won'
            bad type name                     | '  - name: hire'                                         | '  - name: Hire!'                                              | eventTypes[1].name: 'Hire!' must be lower-case letters
            missing type name                 | '  - name: hire\\n'                                      | '  -\\n'                                                       | eventTypes[1].name: is missing
            missing audiences                 | '    audiences: [hr, finance]\\n'                        | ''                                                             | eventTypes[1].audiences: is missing
            empty audiences                   | 'audiences: [hr, finance]'                               | 'audiences: []'                                                | eventTypes[1].audiences: must not be empty
            audiences not a list              | 'audiences: [hr, finance]'                               | 'audiences: hr'                                                | eventTypes[1].audiences: must be a list
            audience not a name               | 'audiences: [hr, finance]'                               | 'audiences: [hr, {a: 1}]'                                      | eventTypes[1].audiences[1]: must be a department name
            audience twice                    | 'audiences: [hr, finance]'                               | 'audiences: [hr, hr]'                                          | eventTypes[1].audiences[1]: 'hr' is listed twice
            unknown type field                | '    audiences: [hr, finance]'                           | '    audiences: [hr, finance]\\n    colour: red'               | eventTypes[1].colour: unknown field
            unknown field-rule field          | '        audiences: [sales]'                             | '        audiences: [sales]\\n        colour: red'             | eventTypes[0].fields[1].colour: unknown field
            empty fields                      | 'audiences: [hr, finance]'                               | 'audiences: [hr, finance]\\n    fields: []'                    | eventTypes[1].fields: must not be empty
            fields not a list                 | 'audiences: [hr, finance]'                               | 'audiences: [hr, finance]\\n    fields: /x'                    | eventTypes[1].fields: must be a list
            field rule not a mapping          | 'audiences: [hr, finance]'                               | 'audiences: [hr, finance]\\n    fields: [/x]'                  | eventTypes[1].fields[0]: must be a mapping
            missing pointer                   | '      - pointer: /customer\\n'                          | '      -\\n'                                                   | eventTypes[0].fields[1].pointer: is missing
            pointer without slash             | 'pointer: /customer'                                     | 'pointer: customer'                                            | eventTypes[0].fields[1].pointer: 'customer' is not a JSON Pointer
            pointer is the root               | 'pointer: /customer'                                     | 'pointer: ""'                                                  | eventTypes[0].fields[1].pointer: '' names the whole data
            pointer is a slash                | 'pointer: /customer'                                     | 'pointer: /'                                                   | eventTypes[0].fields[1].pointer: '/' names the whole data
            pointer not a string              | 'pointer: /customer'                                     | 'pointer: 12'                                                  | eventTypes[0].fields[1].pointer: must be a string
            duplicate pointer                 | 'pointer: /customer'                                     | 'pointer: /iban'                                               | eventTypes[0].fields[1].pointer: '/iban' has a rule already
            pointer inside another            | 'pointer: /customer'                                     | 'pointer: /iban/country'                                       | eventTypes[0].fields[1].pointer: '/iban/country' overlaps the rule for '/iban'
            pointer around another            | 'pointer: /bonus'                                        | 'pointer: /invoice'                                            | eventTypes[0].fields[3].pointer: '/invoice' overlaps the rule for '/invoice/number'
            field audience missing            | '        audiences: [sales]\\n'                          | ''                                                             | eventTypes[0].fields[1].audiences: is missing
            field audience twice              | 'audiences: [hr, sales]'                                 | 'audiences: [hr, hr]'                                          | eventTypes[0].fields[3].audiences[1]: 'hr' is listed twice
            type field not a name             | 'eventTypes:'                                            | 'typeField: "a b"\\neventTypes:'                               | typeField: 'a b' must be a JSON field name
            type field is an ingest field     | 'eventTypes:'                                            | 'typeField: department\\neventTypes:'                          | typeField: 'department' is already a field of every ingest event
            """)
    void badEventTypesAreRefusedNamingTheField(String what, String from, String to, String expected) {
        String yaml = VALID.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertThat(yaml).as("test edit applied").isNotEqualTo(VALID);
        assertThatThrownBy(() -> GovernanceLoader.parse(yaml, "bad.yaml"))
                .isInstanceOf(GovernanceException.class)
                .hasMessageStartingWith("bad.yaml: ")
                .hasMessageContaining(expected);
    }

    @Test
    void emptyEventTypeListIsRefused() {
        String yaml = VALID.substring(0, VALID.indexOf("eventTypes:")) + "eventTypes: []\n";
        assertThatThrownBy(() -> GovernanceLoader.parse(yaml, "bad.yaml"))
                .hasMessage("bad.yaml: eventTypes: must not be empty");
        String notAList = VALID.substring(0, VALID.indexOf("eventTypes:")) + "eventTypes: {a: 1}\n";
        assertThatThrownBy(() -> GovernanceLoader.parse(notAList, "bad.yaml"))
                .hasMessage("bad.yaml: eventTypes: must be a list");
    }

    @Test
    void moreThanFifteenFieldGroupsAreRefused() {
        StringBuilder deps = new StringBuilder();
        StringBuilder fields = new StringBuilder();
        List<String> all = new ArrayList<>(List.of("finance", "sales"));
        for (int i = 0; i < 16; i++) {
            deps.append("  - name: d").append(i).append("\n    key: arn:aws:kms:us-east-1:111122223333:alias/d").append(i)
                    .append("\n    readers: [finance-consumer]\n");
            all.add("d" + i);
            fields.append("      - pointer: /f").append(i).append("\n        audiences: [d").append(i).append("]\n");
        }
        String yaml = GovernanceLoaderTest.VALID + deps + "eventTypes:\n  - name: wide\n    audiences: ["
                + String.join(", ", all.subList(2, 18)) + "]\n    fields:\n" + fields;
        assertThatThrownBy(() -> GovernanceLoader.parse(yaml, "bad.yaml"))
                .hasMessageContaining("bad.yaml: eventTypes[0].fields[15].audiences: is the 16th distinct audience set");
        String tooMany = GovernanceLoaderTest.VALID + deps + "eventTypes:\n  - name: wide\n    audiences: ["
                + String.join(", ", all) + "]\n";
        assertThatThrownBy(() -> GovernanceLoader.parse(tooMany, "bad.yaml"))
                .hasMessageContaining("bad.yaml: eventTypes[0].audiences: has 18 departments; at most 16");
    }
}
