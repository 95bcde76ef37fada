package dev.kleiber.config;

import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kleiber.yaml's {@code server:}: the keep-alive interval, CORS origins and trusted proxies, and errors that name the line. */
class ServerSectionTest {
    private final ConfigParser parser = new ConfigParser(new SafeYaml());

    @Test
    void keepAliveAndOriginsAreReadAndDefaultToFifteenSecondsAndNone() {
        ServerSettings none = parser.parse("version: 1\n", "kleiber.yaml").server();
        assertThat(none.keepAlive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(none.corsOrigins()).isEmpty();
        ServerSettings set = parser.parse("server:\n  keep_alive_seconds: 2\n  cors_origins: [https://ops.example.com, "
                + "http://localhost:5173]\n", "kleiber.yaml").server();
        assertThat(set.keepAlive()).isEqualTo(Duration.ofSeconds(2));
        assertThat(set.corsOrigins()).isEqualTo(List.of("https://ops.example.com", "http://localhost:5173"));
    }

    @Test
    void aBadIntervalOrOriginNamesTheLineAndWhatIsExpected() {
        assertThatThrownBy(() -> parser.parse("version: 1\nserver:\n  keep_alive_seconds: 0\n", "kleiber.yaml"))
                .hasMessageContaining("line 3").hasMessageContaining("'keep_alive_seconds' must be from 1 to 300; found 0");
        assertThatThrownBy(() -> parser.parse("server:\n  cors_origins: ['*']\n", "kleiber.yaml"))
                .hasMessageContaining("line 2").hasMessageContaining("must be origins such as https://app.example.com");
    }

    @Test
    void trustedProxiesAreIpLiteralsOrCidrBlocksNeverNames() {
        assertThat(parser.parse("version: 1\n", "kleiber.yaml").server().trustedProxies()).isEmpty();
        ServerSettings set = parser.parse("server:\n  trusted_proxies: [10.0.0.0/8, 127.0.0.1, 'fd00::/8']\n",
                "kleiber.yaml").server();
        assertThat(set.trustedProxies()).extracting(AddressRange::toString)
                .containsExactly("10.0.0.0/8", "127.0.0.1/32", "fd00:0:0:0:0:0:0:0/8");
        for (String bad : List.of("proxy.example.com", "10.0.0.0/33", "10.0.0/8", "1.2.3.4/8/8", "''")) {
            assertThatThrownBy(() -> parser.parse("version: 1\nserver:\n  trusted_proxies: [" + bad + "]\n", "kleiber.yaml"))
                    .as(bad).hasMessageContaining("line 3")
                    .hasMessageContaining("'trusted_proxies' items must be IP addresses or CIDR blocks");
        }
    }
}
