package io.deptcrypt.bench.sqs;

import java.util.List;

/**
 * One run of the SQS benchmark: {@code messages} preloaded per timed run, {@code concurrency} threads of the bare
 * loop (and receivers of the connector's task; the second bare loop has twice as many), {@code rounds} of each.
 */
record SqsBenchSettings(int messages, int concurrency, int rounds) {

    /** {@code sqs.receivers} allows at most this many receivers per queue. */
    static final int MAX_CONCURRENCY = 64;

    SqsBenchSettings {
        if (messages <= 0 || concurrency <= 0 || concurrency > MAX_CONCURRENCY || rounds <= 0) {
            throw new IllegalArgumentException("messages and rounds must be > 0 and concurrency 1-" + MAX_CONCURRENCY
                    + ", were " + messages + ", " + rounds + ", " + concurrency);
        }
    }

    /** The arguments that hand these settings to {@link SqsThroughputBench#main}. */
    List<String> toArgs() {
        return List.of(String.valueOf(messages), String.valueOf(concurrency), String.valueOf(rounds));
    }

    static SqsBenchSettings fromArgs(String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("expected <messages> <concurrency> <rounds>, got " + List.of(args));
        }
        return new SqsBenchSettings(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    }
}
