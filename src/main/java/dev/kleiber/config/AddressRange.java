package dev.kleiber.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code fd00::/8}): which peers
 * {@code kleiber serve} trusts to say who the client is ({@code server.trusted_proxies}). Only numeric literals: a
 * name would need a DNS lookup, which an attacker may answer.
 */
public record AddressRange(InetAddress network, int prefix) {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public AddressRange {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix " + prefix + " is outside 0-" + bits);
        }
    }

    /** The range {@code text} names, or empty when it is not an IP literal with an optional {@code /prefix}. */
    public static Optional<AddressRange> parse(String text) {
        String[] parts = text.strip().split("/", -1);
        if (parts.length > 2 || !LITERAL.matcher(parts[0]).matches()) {
            return Optional.empty();
        }
        Optional<InetAddress> address = literal(parts[0]);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().getAddress().length * 8;
        if (parts.length == 1) {
            return Optional.of(new AddressRange(address.get(), bits));
        }
        if (!parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) > bits) {
            return Optional.empty();
        }
        return Optional.of(new AddressRange(address.get(), Integer.parseInt(parts[1])));
    }

    /** An IP literal as an address; empty for anything else (never a DNS lookup: the text is checked first). */
    public static Optional<InetAddress> literal(String text) {
        String stripped = text.strip();
        if (stripped.startsWith("[") && stripped.endsWith("]")) {
            stripped = stripped.substring(1, stripped.length() - 1);
        }
        if (!LITERAL.matcher(stripped).matches() || (!stripped.contains(":") && !stripped.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(stripped));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
