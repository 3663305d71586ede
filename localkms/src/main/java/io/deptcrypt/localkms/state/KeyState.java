package io.deptcrypt.localkms.state;

/** Key states localkms models, named as AWS names them in {@code KeyMetadata.KeyState}. */
public enum KeyState { Enabled, Disabled, PendingDeletion }
