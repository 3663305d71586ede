/**
 * What the governance file allows, as data, and its one rendering into KMS key policies.
 *
 * <p>{@link io.deptcrypt.policy.KmsAccess} is the access matrix: for every governance application and every governed
 * key, the {@link io.deptcrypt.policy.KeyRole} it holds and so what it may do ({@link io.deptcrypt.policy.KmsAction}).
 * {@link io.deptcrypt.policy.KeyPolicyRenderer} turns the same roles into the key policy documents that localkms
 * enforces, that {@code governance apply} puts and that the IaC deploys to AWS: there is no second generator.
 */
package io.deptcrypt.policy;
