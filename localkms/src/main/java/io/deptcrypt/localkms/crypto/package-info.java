/**
 * The cryptography under the KMS operations: key material versions (AES-256-GCM), the ciphertext blob format, the
 * canonical encryption-context encoding bound as AAD, and the master key that seals material and secrets at rest.
 */
package io.deptcrypt.localkms.crypto;
