package io.deptcrypt.localkms.state;

import java.time.Instant;

/** An alias ({@code alias/<name>}) and the key id it points to. */
public record AliasRecord(String name, String targetKeyId, Instant creationDate, Instant lastUpdatedDate) {

    public AliasRecord retarget(String keyId, Instant now) {
        return new AliasRecord(name, keyId, creationDate, now);
    }
}
