package io.deptcrypt.localkms.service;

import io.deptcrypt.localkms.state.KeyRecord;

/**
 * A key a request named, and the alias name it used to reach it ({@code alias/...}; null if it named the key
 * directly), which policies see as {@code kms:RequestAlias}.
 */
public record ResolvedKey(KeyRecord key, String alias) {

    public static ResolvedKey direct(KeyRecord key) {
        return new ResolvedKey(key, null);
    }
}
