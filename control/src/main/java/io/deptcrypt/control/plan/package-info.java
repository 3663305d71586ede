/**
 * Governance plan and apply: {@link io.deptcrypt.control.plan.Planner} compares the desired governance with the
 * {@link io.deptcrypt.control.live.LiveState} and lists {@link io.deptcrypt.control.plan.Change}s;
 * {@link io.deptcrypt.control.plan.Applier} makes them in a safe order through public APIs and says exactly what was
 * applied when one fails. {@link io.deptcrypt.control.plan.Planner#planKafka} plans the Kafka part alone (users and
 * ACLs), for the local stack's start.
 */
package io.deptcrypt.control.plan;
