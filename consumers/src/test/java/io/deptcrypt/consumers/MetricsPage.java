package io.deptcrypt.consumers;

import io.deptcrypt.runtime.KmsCallSensors;
import io.deptcrypt.runtime.MetricDefinition;
import io.deptcrypt.topology.EncryptorMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The metric tables of docs/metrics.md, generated from the apps' metric lists ({@link EncryptorMetrics#ALL},
 * {@link ConsumerMetrics#ALL}): each table sits between {@code <!-- metrics:NAME -->} and
 * {@code <!-- /metrics:NAME -->}; the prose around them is the page's own.
 */
final class MetricsPage {

    static final String WRITE_PROPERTY = "deptcrypt.docs.write";
    static final String REGENERATE = "mvn -B -pl consumers -am test -Dtest=MetricsDocsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=true";
    private static final Pattern TABLE = Pattern.compile("(<!-- metrics:([a-z]+) -->\n)(.*?)(<!-- /metrics:\\2 -->)",
            Pattern.DOTALL);

    private MetricsPage() {}

    /** Each table's name and metrics, in page order. */
    static Map<String, List<MetricDefinition>> tables() {
        Map<String, List<MetricDefinition>> t = new LinkedHashMap<>();
        t.put("encryptor", without(EncryptorMetrics.ALL, KmsCallSensors.ALL));
        t.put("consumer", without(ConsumerMetrics.ALL, KmsCallSensors.ALL));
        t.put("kms", KmsCallSensors.ALL);
        return t;
    }

    static String table(List<MetricDefinition> metrics) {
        StringBuilder b = new StringBuilder("| metric | group (MBean `type`) | tags | meaning |\n|---|---|---|---|\n");
        for (MetricDefinition m : metrics) {
            b.append("| `").append(m.name()).append("` | `").append(m.group()).append("` | ")
                    .append(m.tags().stream().map(t -> "`" + t + "`").collect(Collectors.joining(", ")))
                    .append(" | ").append(m.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** {@code page} with every marked table replaced by what the metric lists generate. */
    static String regenerate(String page) {
        Map<String, List<MetricDefinition>> tables = tables();
        Matcher m = TABLE.matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<MetricDefinition> metrics = tables.get(m.group(2));
            if (metrics == null) {
                throw new IllegalArgumentException("docs/metrics.md marks a table '" + m.group(2) + "' that no app has;"
                        + " known: " + tables.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + table(metrics) + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The names of the tables the page marks. */
    static List<String> markedTables(String page) {
        return TABLE.matcher(page).results().map(r -> r.group(2)).toList();
    }

    private static List<MetricDefinition> without(List<MetricDefinition> all, List<MetricDefinition> common) {
        return all.stream().filter(m -> !common.contains(m)).toList();
    }
}
