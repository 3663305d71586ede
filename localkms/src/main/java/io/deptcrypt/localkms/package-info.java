/**
 * localkms, an AWS-KMS-compatible server that enforces the governance file: {@link io.deptcrypt.localkms.LocalKms}
 * (start, stop, and what embedders may read: endpoint, credentials, key ARNs, audit log), its
 * {@link io.deptcrypt.localkms.LocalKmsConfig}, the stand-alone {@link io.deptcrypt.localkms.LocalKmsMain} and the
 * {@link io.deptcrypt.localkms.AccessKey} each principal signs with. Docs: {@code docs/localkms.md}.
 */
package io.deptcrypt.localkms;
