package io.deptcrypt.runtime;

import java.util.List;

/**
 * A configuration file or value is wrong. The message names the file (or other source) and, for each problem, the
 * key: {@code file: key: what is wrong}, or with several problems one line per problem under
 * {@code file: N problems:}.
 */
public class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** One problem; {@code message} names the source itself. */
    public InvalidConfigException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /**
     * Every problem of {@code source} at once.
     *
     * @param problems each {@code key: what is wrong}; not empty
     * @param hint     said once after the problems (e.g. the known keys), or empty
     */
    public InvalidConfigException(String source, List<String> problems, String hint) {
        super(message(source, problems, hint));
        this.problems = List.copyOf(problems);
    }

    private static String message(String source, List<String> problems, String hint) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidConfigException needs at least one problem");
        }
        String tail = hint.isEmpty() ? "" : " (" + hint + ")";
        if (problems.size() == 1) {
            return source + ": " + problems.get(0) + tail;
        }
        return source + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems)
                + (hint.isEmpty() ? "" : "\n  " + tail.trim());
    }

    /** Each problem, {@code key: what is wrong} (or the whole message for a problem without a key). */
    public List<String> problems() {
        return problems;
    }
}
