package dev.kleiber.config;

import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code server:} section of kleiber.yaml into {@link ServerSettings}; every error names the line. Pure.
 *
 * <pre>
 * server:
 *   bind: 127.0.0.1
 *   port: 8420
 *   public_url: https://kleiber.example.com
 *   rate_limits: {reads_per_minute: 600, writes_per_minute: 60}
 *   lockout: {failures: 10, minutes: 15}
 *   cors_origins: []
 *   metrics_auth: false
 *   session_hours: 12
 *   keep_alive_seconds: 15
 *   trusted_proxies: [10.0.0.0/8]
 *   notify:
 *     webhook: https://hooks.example.com/kleiber
 *     webhook_secret_env: KLEIBER_WEBHOOK_SECRET
 *     ntfy: https://ntfy.sh/my-team-kleiber
 * </pre>
 */
final class ServerSettingsParser {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-]{1,253}");
    private static final Pattern ENV = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-]+(:\\d{1,5})?");

    private ServerSettingsParser() {
    }

    static ServerSettings parse(Mapping root) {
        ServerSettings d = ServerSettings.DEFAULTS;
        Optional<Mapping> found = root.mapping("server");
        if (found.isEmpty()) {
            return d;
        }
        Mapping server = found.get().allowOnly(Set.of("bind", "port", "public_url", "rate_limits", "lockout",
                "cors_origins", "metrics_auth", "session_hours", "notify", "keep_alive_seconds", "trusted_proxies"));
        String bind = server.get("bind").map(n -> host(n)).orElse(d.bind());
        int port = server.get("port").map(n -> range(n, "port", 0, 65535)).orElse(d.port());
        Optional<String> publicUrl = server.get("public_url").map(n -> url(n, "public_url"));
        Optional<Mapping> limits = server.mapping("rate_limits")
                .map(m -> m.allowOnly(Set.of("reads_per_minute", "writes_per_minute")));
        int reads = limits.flatMap(m -> m.get("reads_per_minute")).map(n -> range(n, "reads_per_minute", 1, 1_000_000))
                .orElse(d.readsPerMinute());
        int writes = limits.flatMap(m -> m.get("writes_per_minute")).map(n -> range(n, "writes_per_minute", 1, 1_000_000))
                .orElse(d.writesPerMinute());
        Optional<Mapping> lockout = server.mapping("lockout").map(m -> m.allowOnly(Set.of("failures", "minutes")));
        int failures = lockout.flatMap(m -> m.get("failures")).map(n -> range(n, "failures", 1, 1000))
                .orElse(d.lockoutFailures());
        Duration lockFor = lockout.flatMap(m -> m.get("minutes")).map(n -> Duration.ofMinutes(range(n, "minutes", 1, 10_080)))
                .orElse(d.lockout());
        List<String> origins = server.get("cors_origins").map(n -> n.asSequence("cors_origins").items().stream()
                .map(ServerSettingsParser::origin).toList()).orElse(d.corsOrigins());
        boolean metricsAuth = server.bool("metrics_auth").orElse(d.metricsAuth());
        Duration session = server.get("session_hours").map(n -> Duration.ofHours(range(n, "session_hours", 1, 720)))
                .orElse(d.sessionTtl());
        ServerSettings.Notify notify = server.mapping("notify").map(ServerSettingsParser::notify).orElse(d.notifications());
        Duration keepAlive = server.get("keep_alive_seconds").map(n -> Duration.ofSeconds(range(n, "keep_alive_seconds", 1, 300)))
                .orElse(d.keepAlive());
        List<AddressRange> proxies = server.get("trusted_proxies").map(n -> n.asSequence("trusted_proxies").items().stream()
                .map(ServerSettingsParser::proxy).toList()).orElse(d.trustedProxies());
        return new ServerSettings(bind, port, publicUrl, reads, writes, failures, lockFor, origins, metricsAuth, session, notify,
                keepAlive, proxies);
    }

    private static ServerSettings.Notify notify(Mapping m) {
        m.allowOnly(Set.of("webhook", "webhook_secret_env", "ntfy"));
        Optional<String> webhook = m.get("webhook").map(n -> url(n, "notify.webhook"));
        Optional<String> secretEnv = m.get("webhook_secret_env").map(n -> {
            String name = n.asText("webhook_secret_env").strip();
            if (!ENV.matcher(name).matches()) {
                throw n.error("'webhook_secret_env' must name an environment variable (A-Z, 0-9, _); found '" + name + "'");
            }
            return name;
        });
        if (webhook.isPresent() && secretEnv.isEmpty()) {
            throw m.error("'notify.webhook' needs 'webhook_secret_env': the environment variable holding the HMAC "
                    + "secret its requests are signed with");
        }
        return new ServerSettings.Notify(webhook, secretEnv, m.get("ntfy").map(n -> url(n, "notify.ntfy")));
    }

    private static String host(YamlNode node) {
        String text = node.asText("bind").strip();
        if (!HOST.matcher(text).matches()) {
            throw node.error("'bind' must be a host name or IP address such as 127.0.0.1 or 0.0.0.0; found '" + text + "'");
        }
        return text;
    }

    private static int range(YamlNode node, String what, int min, int max) {
        long value = node.asInteger(what);
        if (value < min || value > max) {
            throw node.error("'" + what + "' must be from " + min + " to " + max + "; found " + value);
        }
        return (int) value;
    }

    private static String url(YamlNode node, String what) {
        String text = node.asText(what).strip();
        try {
            URI uri = new URI(text);
            if ((uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https")))
                    && uri.getHost() != null) {
                return text.endsWith("/") && what.equals("public_url") ? text.substring(0, text.length() - 1) : text;
            }
        } catch (java.net.URISyntaxException ignored) {
            // said below
        }
        throw node.error("'" + what + "' must be an http:// or https:// URL; found '" + text + "'");
    }

    private static AddressRange proxy(YamlNode node) {
        String text = node.asText("trusted_proxies item").strip();
        return AddressRange.parse(text).orElseThrow(() -> node.error("'trusted_proxies' items must be IP addresses or "
                + "CIDR blocks such as 10.0.0.0/8 or fd00::/8 (no host names); found '" + text + "'"));
    }

    private static String origin(YamlNode node) {
        String text = node.asText("cors_origins item").strip();
        Matcher m = ORIGIN.matcher(text);
        if (!m.matches()) {
            throw node.error("'cors_origins' items must be origins such as https://app.example.com (no path); found '"
                    + text + "'");
        }
        return text;
    }
}
