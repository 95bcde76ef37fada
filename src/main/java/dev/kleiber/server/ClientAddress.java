package dev.kleiber.server;

import dev.kleiber.config.AddressRange;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The address a request comes from, for the failed-authentication lockout. Behind a proxy (an ingress, the blue-green
 * nginx) every request comes from the proxy: locking it out would lock out everyone, and one attacker's failures would
 * count against all. So when the peer is a trusted proxy ({@code server.trusted_proxies}), the client is the nearest
 * address in {@code X-Forwarded-For} that is not itself a trusted proxy — the rightmost one a trusted hop vouches for;
 * what a client wrote further left is its own claim and is not believed. From any other peer the header is ignored.
 */
final class ClientAddress {
    private ClientAddress() {
    }

    static String of(String peer, Optional<String> forwardedFor, List<AddressRange> trusted) {
        if (trusted.isEmpty() || forwardedFor.isEmpty() || !isTrusted(peer, trusted)) {
            return peer;
        }
        String[] hops = forwardedFor.get().split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = AddressRange.literal(hops[i]);
            if (hop.isEmpty()) {
                // not an address (garbage, "unknown"): the hops left of it cannot be vouched for
                return peer;
            }
            if (!trusted.stream().anyMatch(range -> range.contains(hop.get()))) {
                return hop.get().getHostAddress();
            }
        }
        return peer; // every hop is a proxy of ours: the request began inside
    }

    private static boolean isTrusted(String peer, List<AddressRange> trusted) {
        return AddressRange.literal(peer).map(a -> trusted.stream().anyMatch(range -> range.contains(a))).orElse(false);
    }
}
