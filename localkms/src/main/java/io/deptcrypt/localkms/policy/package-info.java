/**
 * Key policies as AWS evaluates them: parsing ({@link io.deptcrypt.localkms.policy.KeyPolicy}), statements,
 * principals, actions, resources and condition operators, the request's condition keys
 * ({@link io.deptcrypt.localkms.policy.RequestContext}), and the policies generated from governance
 * ({@link io.deptcrypt.localkms.policy.KeyPolicies}). Who may do what with all this is decided in
 * {@link io.deptcrypt.localkms.service.Authorizer}.
 */
package io.deptcrypt.localkms.policy;
