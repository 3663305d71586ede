package io.deptcrypt.governance;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The governance file, parsed and validated: who encrypts, which departments exist, which key each department's
 * records are sealed under and which applications may read them. Immutable; build it with {@link GovernanceLoader}.
 *
 * @param source     where it was read from, for error messages
 * @param account    the AWS account id (12 digits) that owns keys and roles
 * @param region     the AWS region of the keys
 * @param topics     the ingest, shared and dead-letter topics
 * @param applications every principal that touches a key (encryptor, readers, key admins, the connector)
 * @param owner      the one application that encrypts for every department
 * @param keyAdmins  applications that administer keys (policies, grants, rotation) but may not use them
 * @param quarantine the key that seals dead-lettered input, and who may read it
 * @param departments the departments, in file order
 * @param typeField  the ingest event's top-level field naming its event type ({@value #DEFAULT_TYPE_FIELD} unless
 *                   the file says otherwise)
 * @param eventTypes the event types read by several departments, in file order (docs/event-types.md); empty: every
 *                   event names its one department
 */
public record Governance(
        String source,
        String account,
        String region,
        Topics topics,
        List<Application> applications,
        String owner,
        List<String> keyAdmins,
        Quarantine quarantine,
        List<Department> departments,
        String typeField,
        List<EventType> eventTypes) {

    /** The ingest field that names an event's type when the file has no {@code typeField}. */
    public static final String DEFAULT_TYPE_FIELD = "type";

    public Governance {
        applications = List.copyOf(applications);
        keyAdmins = List.copyOf(keyAdmins);
        departments = List.copyOf(departments);
        eventTypes = List.copyOf(eventTypes);
    }

    /** Without event types: every event names its one department. */
    public Governance(String source, String account, String region, Topics topics, List<Application> applications,
            String owner, List<String> keyAdmins, Quarantine quarantine, List<Department> departments) {
        this(source, account, region, topics, applications, owner, keyAdmins, quarantine, departments,
                DEFAULT_TYPE_FIELD, List.of());
    }

    public Optional<EventType> findEventType(String name) {
        return eventTypes.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<String> eventTypeNames() {
        return eventTypes.stream().map(EventType::name).toList();
    }

    public Optional<Department> findDepartment(String name) {
        return departments.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** @throws IllegalArgumentException naming the unknown department */
    public Department department(String name) {
        return findDepartment(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown department '" + name + "' (governance " + source + " declares " + departmentNames() + ")"));
    }

    public Optional<Application> findApplication(String name) {
        return applications.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** @throws IllegalArgumentException naming the unknown application */
    public Application application(String name) {
        return findApplication(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown application '" + name + "' (governance " + source + " declares "
                        + applications.stream().map(Application::name).toList() + ")"));
    }

    public Application ownerApplication() {
        return application(owner);
    }

    public List<String> departmentNames() {
        return departments.stream().map(Department::name).toList();
    }

    /** Departments the given application may read. */
    public List<Department> departmentsReadBy(String application) {
        return departments.stream().filter(d -> d.readers().contains(application)).toList();
    }

    /** The name used for environment variables: upper case, '-' and '.' become '_' ("finance-consumer" → "FINANCE_CONSUMER"). */
    public static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /**
     * Kafka topics. {@code partitions} is the shared topic's partition count. {@code governance} carries each applied
     * governance version to the running apps ({@code ./deptcrypt governance apply} writes it); {@code keys} holds the
     * wrapped data keys that compact envelopes refer to.
     */
    public record Topics(String ingest, String shared, String deadLetter, int partitions, String governance,
                         String keys) {

        public static final String DEFAULT_GOVERNANCE = "deptcrypt.governance";
        public static final String DEFAULT_KEYS = "deptcrypt.keys";

        /** With the default governance and keys topics. */
        public Topics(String ingest, String shared, String deadLetter, int partitions) {
            this(ingest, shared, deadLetter, partitions, DEFAULT_GOVERNANCE, DEFAULT_KEYS);
        }

        /** Every topic name, ingest first. */
        public List<String> names() {
            return List.of(ingest, shared, deadLetter, governance, keys);
        }
    }

    /** A principal: an application name and the IAM role it runs as. */
    public record Application(String name, String role) {}

    /** A department: its key (key ARN or alias ARN) and the applications allowed to read its records. */
    public record Department(String name, KmsArn key, List<String> readers) {
        public Department {
            readers = List.copyOf(readers);
        }
    }

    /** The key sealing dead-lettered input; only its readers (e.g. a security team) may open it. */
    public record Quarantine(KmsArn key, List<String> readers) {
        public Quarantine {
            readers = List.copyOf(readers);
        }
    }
}
