package io.deptcrypt.testkit;

import io.deptcrypt.governance.EventType;
import io.deptcrypt.governance.Governance;
import io.deptcrypt.governance.GovernanceLoader;
import io.deptcrypt.governance.KmsArn;

/**
 * The test governance ({@link TestGovernance}) with a third department, hr (read by hr-consumer), a fourth, legal
 * (read by legal-consumer, in no event type), and two event types (docs/event-types.md):
 * <ul>
 *   <li>{@value #DEAL_WON}: audiences finance, hr and sales; {@code /iban} and {@code /invoice/number} for finance,
 *       {@code /customer} for sales, {@code /bonus} for hr and sales; everything else (e.g. {@code /amount}) for all
 *       three.</li>
 *   <li>{@value #HIRE}: audiences finance and hr, no field rules (one part, the whole event, for both).</li>
 * </ul>
 */
public final class TestEventTypes {

    public static final String DEAL_WON = "deal-won";
    public static final String HIRE = "hire";
    public static final KmsArn HR = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-hr");
    public static final KmsArn LEGAL = KmsArn.parse("arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-legal");

    /** The file's text. */
    public static final String YAML = TestGovernance.yaml()
            .replace("  - name: security-auditor\n", """
                      - name: hr-consumer
                        role: arn:aws:iam::111122223333:role/deptcrypt-hr-consumer
                      - name: legal-consumer
                        role: arn:aws:iam::111122223333:role/deptcrypt-legal-consumer
                      - name: security-auditor
                    """)
            + """
                  - name: hr
                    key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-hr
                    readers: [hr-consumer]
                  - name: legal
                    key: arn:aws:kms:us-east-1:111122223333:alias/deptcrypt-legal
                    readers: [legal-consumer]

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

    private static final Governance GOVERNANCE = GovernanceLoader.parse(YAML, "testkit:event-types.yaml");

    private TestEventTypes() {}

    public static Governance governance() {
        return GOVERNANCE;
    }

    public static EventType dealWon() {
        return GOVERNANCE.findEventType(DEAL_WON).orElseThrow();
    }

    public static EventType hire() {
        return GOVERNANCE.findEventType(HIRE).orElseThrow();
    }
}
