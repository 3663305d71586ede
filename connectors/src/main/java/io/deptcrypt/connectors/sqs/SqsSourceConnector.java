package io.deptcrypt.connectors.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect source connector for Amazon SQS: at least once, never loses a message. A message is deleted
 * only after Kafka acknowledged its record; see {@link SqsSourceConfig} for the options.
 */
public class SqsSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(SqsSourceConnector.class);

    private Map<String, String> props;
    private SqsSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.config = SqsSourceConfig.parse(props);
        SqsClientFactory.resolveRegion(config); // fail now, naming sqs.region, rather than in every task
        this.props = Map.copyOf(props);
        log.info("SQS source connector reading {} into topic {}", config.queues().stream().map(SqsQueue::url).toList(), config.topic());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SqsSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<List<SqsQueue>> assignment = QueueAssignment.assign(config.queues(), maxTasks);
        List<Map<String, String>> tasks = new ArrayList<>(assignment.size());
        for (int i = 0; i < assignment.size(); i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(SqsSourceConfig.TASK_QUEUE_URLS, assignment.get(i).stream().map(SqsQueue::url).collect(Collectors.joining(",")));
            task.put(SqsSourceConfig.TASK_ID, String.valueOf(i));
            tasks.add(task);
        }
        return tasks;
    }

    @Override
    public void stop() {
        // tasks own all resources
    }

    @Override
    public ConfigDef config() {
        return SqsSourceConfig.CONFIG_DEF;
    }

    /**
     * Every problem at once, each attached to the field it names: the ConfigDef's field checks, the cross-field
     * rules on the fields that passed them, and, when all of that holds, whether a region can be found.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> byName = result.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, v -> v, (a, b) -> a));
        Map<String, List<String>> problems = SqsSourceConfig.problems(result.configValues());
        problems.forEach((key, messages) -> {
            ConfigValue field = byName.get(key);
            messages.stream().filter(m -> !field.errorMessages().contains(m)).forEach(field::addErrorMessage);
        });
        if (problems.isEmpty()) {
            try {
                SqsClientFactory.resolveRegion(new SqsSourceConfig(connectorConfigs));
            } catch (ConfigException e) {
                byName.get(SqsSourceConfig.REGION).addErrorMessage(e.getMessage());
            }
        }
        return result;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // An SQS delete cannot take part in a Kafka transaction.
        return ExactlyOnceSupport.UNSUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }
}
