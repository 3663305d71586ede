/**
 * The operations. {@link io.deptcrypt.localkms.service.KmsService} maps each {@code X-Amz-Target} to its handler:
 * key, key-policy, rotation, alias, crypto and grant operations ({@code TrentService.*}) and localkms's IAM stand-in
 * ({@code DeptcryptLocalIam.SyncPrincipals}, rules in {@link io.deptcrypt.localkms.service.PrincipalSync}). Every
 * authorization decision is in {@link io.deptcrypt.localkms.service.Authorizer} (key policy with the caller's identity
 * policy by AWS's same-account rule, {@link io.deptcrypt.localkms.service.SameAccountRule}; then grants); errors are
 * {@link io.deptcrypt.localkms.service.KmsException}s with a {@link io.deptcrypt.localkms.service.KmsErrorCode};
 * each call is recorded in an {@link io.deptcrypt.localkms.service.AuditEntry} written by
 * {@link io.deptcrypt.localkms.service.AuditLog}. {@link io.deptcrypt.localkms.service.GovernanceKeys} applies
 * governance's keys and policies on start.
 */
package io.deptcrypt.localkms.service;
