/**
 * The AWS deployment rendered from the governance file ({@code ./deptcrypt iac render}): {@link
 * io.deptcrypt.iac.IacRenderer} writes the KMS key policies (from {@code policy/}'s one renderer, plus the
 * account-root statement), each application role's IAM trust and permission policies (KMS and MSK IAM, the latter
 * from {@code policy/}'s Kafka access matrix), the CloudTrail trail that records every KMS call, and two
 * CloudFormation stacks: {@link io.deptcrypt.iac.GovernanceStack} (keys, aliases, roles, audit trail) and {@link
 * io.deptcrypt.iac.AppsStack} (ECS services and their configuration). Pure functions of the governance text and
 * {@link io.deptcrypt.iac.RenderSettings}: the same input gives the same bytes, checked in {@code iac/rendered/}.
 */
package io.deptcrypt.iac;
