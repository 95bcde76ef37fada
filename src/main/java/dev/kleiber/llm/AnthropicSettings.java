package dev.kleiber.llm;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach the Messages API.
 *
 * @param readTimeout the longest silence tolerated inside a stream; the API sends pings well within it
 */
public record AnthropicSettings(ApiKey apiKey, URI baseUrl, Duration connectTimeout, Duration readTimeout) {

    public static final String API_KEY_VARIABLE = "ANTHROPIC_API_KEY";
    public static final String BASE_URL_VARIABLE = "ANTHROPIC_BASE_URL";
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");

    public AnthropicSettings {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
    }

    public static AnthropicSettings of(ApiKey apiKey, URI baseUrl) {
        // The API sends a ping on an open stream well within a minute; a minute of silence is a dead stream.
        return new AnthropicSettings(apiKey, baseUrl, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    /**
     * Settings from {@code ANTHROPIC_API_KEY} and {@code ANTHROPIC_BASE_URL} in {@code env} (the command's
     * environment, handed down by the CLI; this package never reads the process environment itself).
     */
    public static AnthropicSettings fromEnv(Map<String, String> env) {
        String key = Optional.ofNullable(env.get(API_KEY_VARIABLE)).filter(v -> !v.isBlank())
                .orElseThrow(() -> new ApiSettingsException(API_KEY_VARIABLE + " is not set. Set it to your Anthropic API key"
                        + " (https://console.anthropic.com/settings/keys), or try './kleiber demo', which needs no key.",
                        "set " + API_KEY_VARIABLE + " to your Anthropic API key (https://console.anthropic.com/settings/keys); "
                                + "then `kleiber resume`"));
        URI baseUrl = Optional.ofNullable(env.get(BASE_URL_VARIABLE)).filter(v -> !v.isBlank())
                .map(AnthropicSettings::parseBaseUrl)
                .orElse(DEFAULT_BASE_URL);
        return of(new ApiKey(key), baseUrl);
    }

    private static URI parseBaseUrl(String text) {
        try {
            URI uri = new URI(text.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the expected form
        }
        throw new ApiSettingsException(BASE_URL_VARIABLE + " must be an http or https URL such as "
                + DEFAULT_BASE_URL + "; found '" + text + "'", "set " + BASE_URL_VARIABLE + " to the API's http or https "
                + "URL (or unset it for " + DEFAULT_BASE_URL + "); then `kleiber resume`");
    }
}
