package io.deptcrypt.bench.pipeline;

/**
 * Which of the two bench brokers a run uses: PLAINTEXT (no authentication, no authorizer) or SCRAM (clients log in
 * with SASL/SCRAM-SHA-512 and Kafka's StandardAuthorizer checks every request). The pair shows what authentication
 * costs the pipeline; every bench client on SCRAM logs in as the broker's super user, so no ACLs are needed.
 */
enum BrokerSecurity { PLAINTEXT, SCRAM }
