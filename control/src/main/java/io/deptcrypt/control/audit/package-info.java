/**
 * {@code ./deptcrypt audit}: who unwrapped which department's data keys, when, who was refused, and every policy or
 * key change, from localkms's audit log (one JSON line per KMS call). In AWS the same questions go to CloudTrail
 * ({@code docs/deploy-aws.md}).
 */
package io.deptcrypt.control.audit;
