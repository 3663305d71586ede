/**
 * The governance file ({@code config/governance.yaml}): its parsed, validated form ({@link
 * io.deptcrypt.governance.Governance}, built once by {@link io.deptcrypt.governance.GovernanceLoader}), KMS ARNs, and
 * the event types read by several departments with their field rules ({@link
 * io.deptcrypt.governance.EventType}, docs/event-types.md), and the encryption-context constants that crypto, localkms and the IaC all derive their key policies and data keys from
 * ({@link io.deptcrypt.governance.EncryptionContext}).
 */
package io.deptcrypt.governance;
