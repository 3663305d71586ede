/**
 * The SQS source connector's throughput benchmark ({@code deptcrypt-bench sqs}): the connector against ElasticMQ's
 * own ceiling on an in-process stack. It runs in a JVM of its own so that Connect and ElasticMQ stay out of the
 * pipeline benchmark's jar.
 */
package io.deptcrypt.bench.sqs;
