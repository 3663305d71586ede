/**
 * The governance control plane: {@code ./deptcrypt governance plan|apply} compares the governance file with what is
 * live and changes the live system through public APIs only (KMS as the key admin, Kafka's Admin API, localkms's
 * stand-in for IAM), then publishes the applied version on the governance topic for the running apps.
 * {@code live/} reads the live state, {@code plan/} computes and applies the changes.
 */
package io.deptcrypt.control;
