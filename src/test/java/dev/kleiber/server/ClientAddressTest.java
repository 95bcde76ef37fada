package dev.kleiber.server;

import dev.kleiber.config.AddressRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who the lockout counts a request against: X-Forwarded-For is believed only from a trusted proxy, and only as far as
 * trusted hops vouch for it — a client cannot pick the address its failures count against.
 */
class ClientAddressTest {
    private static final List<AddressRange> PROXIES = List.of(AddressRange.parse("10.0.0.0/8").orElseThrow(),
            AddressRange.parse("fd00::/8").orElseThrow());

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertThat(ClientAddress.of("203.0.113.9", Optional.of("198.51.100.7"), List.of())).isEqualTo("203.0.113.9");
        assertThat(ClientAddress.of("10.1.2.3", Optional.of("198.51.100.7"), List.of())).isEqualTo("10.1.2.3");
    }

    @Test
    void fromAnUntrustedPeerTheHeaderIsIgnored() {
        assertThat(ClientAddress.of("203.0.113.9", Optional.of("198.51.100.7"), PROXIES)).isEqualTo("203.0.113.9");
        assertThat(ClientAddress.of("11.0.0.1", Optional.of("10.0.0.5"), PROXIES)).isEqualTo("11.0.0.1");
    }

    @Test
    void fromATrustedProxyTheClientIsTheNearestHopThatIsNotAProxy() {
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("198.51.100.7"), PROXIES)).isEqualTo("198.51.100.7");
        // a client's own claim on the left is not believed: the proxy appended the address it saw
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("1.1.1.1, 198.51.100.7"), PROXIES)).isEqualTo("198.51.100.7");
        // two proxies of ours in a row
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("198.51.100.7, 10.9.9.9"), PROXIES)).isEqualTo("198.51.100.7");
        assertThat(ClientAddress.of("fd00::2", Optional.of("2001:db8::1"), PROXIES)).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("[2001:db8::1]"), PROXIES)).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void garbageOrOnlyProxiesLeaveThePeer() {
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("unknown"), PROXIES)).isEqualTo("10.0.0.2");
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("198.51.100.7, evil.example.com"), PROXIES)).isEqualTo("10.0.0.2");
        assertThat(ClientAddress.of("10.0.0.2", Optional.of("10.0.0.3, 10.0.0.4"), PROXIES)).isEqualTo("10.0.0.2");
        assertThat(ClientAddress.of("10.0.0.2", Optional.empty(), PROXIES)).isEqualTo("10.0.0.2");
    }
}
