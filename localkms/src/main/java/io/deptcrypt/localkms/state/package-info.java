/**
 * What localkms keeps: the immutable {@link io.deptcrypt.localkms.state.KmsState} (keys, aliases, grants,
 * principals with their access keys and identity policies), its JSON form {@code state.json} with sealed secrets, the
 * {@link io.deptcrypt.localkms.state.StateStore} that persists every change before publishing it, the locked,
 * owner-only {@link io.deptcrypt.localkms.state.StateDirectory}, and {@code credentials.env}.
 */
package io.deptcrypt.localkms.state;
