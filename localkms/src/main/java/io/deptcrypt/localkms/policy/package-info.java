/**
 * Key policies as AWS evaluates them: parsing ({@link io.deptcrypt.localkms.policy.KeyPolicy}), statements,
 * principals, actions, resources and condition operators, and the request's condition keys
 * ({@link io.deptcrypt.localkms.policy.RequestContext}). The governance keys' policies themselves come from the
 * policy module's renderer ({@code io.deptcrypt.policy.KeyPolicyRenderer}). Who may do what with all this is decided
 * in {@link io.deptcrypt.localkms.service.Authorizer}.
 */
package io.deptcrypt.localkms.policy;
