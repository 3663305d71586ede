package io.deptcrypt.runtime;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A {@link ConfigDef.Validator} for an absolute http(s) URL with a host; no value (an optional key not set) passes. */
public final class HttpUrl implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        try {
            URI uri = new URI(value.toString());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(name, value, "must be an http:// or https:// URL with a host");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(name, value, "is not a URL: " + e.getReason());
        }
    }

    @Override
    public String toString() {
        return "http:// or https:// URL";
    }
}
