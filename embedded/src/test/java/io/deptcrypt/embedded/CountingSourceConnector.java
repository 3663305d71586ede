package io.deptcrypt.embedded;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** A test source that writes records "0".."count-1" to a topic once. */
public class CountingSourceConnector extends SourceConnector {

    static final ConfigDef CONFIG = new ConfigDef()
            .define("topic", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    ConfigDef.Importance.HIGH, "target topic")
            .define("count", ConfigDef.Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.atLeast(1),
                    ConfigDef.Importance.HIGH, "records to write");

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CountingTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return "test";
    }

    public static class CountingTask extends SourceTask {
        private String topic;
        private int count;
        private int next;

        @Override
        public String version() {
            return "test";
        }

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            count = Integer.parseInt(props.get("count"));
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (next >= count) {
                Thread.sleep(50); // nothing left; do not spin the worker thread
                return null;
            }
            int n = next++;
            return List.of(new SourceRecord(Map.of("source", "counting"), Map.of("n", n), topic,
                    Schema.STRING_SCHEMA, String.valueOf(n)));
        }

        @Override
        public void stop() {
        }
    }
}
