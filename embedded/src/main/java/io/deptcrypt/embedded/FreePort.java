package io.deptcrypt.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks a free loopback port for servers that must know their port before they bind. */
final class FreePort {

    private FreePort() {
    }

    static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    /** {@code wanted} if it can be bound on 127.0.0.1 right now, else a free port. */
    static int reuseOrPick(int wanted) {
        if (wanted > 0 && wanted <= 65535) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 1);
                return wanted;
            } catch (IOException taken) {
                // fall through to a free one
            }
        }
        return pick();
    }
}
