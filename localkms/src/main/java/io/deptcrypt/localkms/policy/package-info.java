/**
 * Policies as AWS evaluates them: key policies ({@link io.deptcrypt.localkms.policy.KeyPolicy}) and IAM identity
 * policies attached to a principal ({@link io.deptcrypt.localkms.policy.IdentityPolicy}), with their shared
 * statements, principals, actions, resources and condition operators; the condition keys localkms knows
 * ({@link io.deptcrypt.localkms.policy.ConditionKeys}) and a request's values for them
 * ({@link io.deptcrypt.localkms.policy.RequestContext}); what an account principal in a key policy matches
 * ({@link io.deptcrypt.localkms.policy.AccountScope}). The governance keys' policies themselves come from the policy
 * module's renderer ({@code io.deptcrypt.policy.KeyPolicyRenderer}). Who may do what with all this is decided in
 * {@link io.deptcrypt.localkms.service.Authorizer}.
 */
package io.deptcrypt.localkms.policy;
