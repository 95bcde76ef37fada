package dev.kleiber.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kleiber.KleiberException;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A remote over HTTP that asks for a user and token (git's own {@code http-backend} behind Basic authentication, on
 * loopback): the worker's cache clones, fetches and pushes with the credentials it was given, fails without them,
 * and the token is in no file of the clone, no message and no URL.
 */
class RemoteGitCredentialsTest {
    private static final String USER = "kleiber-bot";
    private static final String TOKEN = "ghp_s3cret-token-for-the-test";

    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serveABareRepositoryBehindBasicAuth() throws IOException {
        Path seed = GitRepos.init(tmp.resolve("seed"));
        GitRepos.git(tmp, "clone", "-q", "--bare", seed.toString(), tmp.resolve("shop.git").toString());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/shop.git";
    }

    private void handle(HttpExchange exchange) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(given == null ? "" : given);
        if (!expected.equals(given)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"shop\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        cgi(exchange);
    }

    /** {@code git http-backend} as a CGI program: the request in its environment and stdin, headers and body out. */
    private void cgi(HttpExchange exchange) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("git", "http-backend");
        Map<String, String> env = builder.environment();
        env.put("GIT_PROJECT_ROOT", tmp.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("REMOTE_USER", USER);
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        env.put("QUERY_STRING", Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        env.put("CONTENT_TYPE", Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse(""));
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                .ifPresent(e -> env.put("HTTP_CONTENT_ENCODING", e));
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Git-Protocol")).ifPresent(p -> env.put("GIT_PROTOCOL", p));
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream(); InputStream body = exchange.getRequestBody()) {
            body.transferTo(in);
        }
        byte[] out = process.getInputStream().readAllBytes();
        int split = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int skip = 4;
        if (split < 0) {
            split = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
            skip = 2;
        }
        int status = 200;
        for (String header : new String(out, 0, Math.max(split, 0), StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).strip();
            String value = header.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.substring(0, 3));
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(out, split + skip, out.length - split - skip);
        exchange.sendResponseHeaders(status, rest.size() == 0 ? -1 : rest.size());
        try (OutputStream response = exchange.getResponseBody()) {
            rest.writeTo(response);
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void withCredentialsTheCacheClonesFetchesAndPushesAndKeepsTheTokenNowhere() throws IOException {
        RemoteGit remote = RemoteGit.open(url(), tmp.resolve("cache/repo"), Duration.ofSeconds(60),
                Optional.of(new RemoteGit.Credentials(USER, TOKEN)));
        remote.fetch();
        String main = remote.commitOf(RemoteGit.BRANCHES + "main").orElseThrow();
        String token = remote.token("fence 1 of t1");
        assertThat(remote.push(List.of(new RemoteGit.Update(token, "refs/kleiber/fences/run/t1", Optional.empty()))))
                .isInstanceOf(RemoteGit.Push.Pushed.class);
        assertThat(GitRepos.git(tmp.resolve("shop.git"), "rev-parse", "refs/kleiber/fences/run/t1").strip()).isEqualTo(token);
        assertThat(GitRepos.git(tmp.resolve("shop.git"), "rev-parse", "main").strip()).isEqualTo(main);

        try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(TOKEN).doesNotContain(Base64.getEncoder().encodeToString(
                                (USER + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
            }
        }
        assertThat(remote.url()).doesNotContain(TOKEN);
        assertThat(new RemoteGit.Credentials(USER, TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void withoutCredentialsTheRemoteRefusesAndNothingPrompts() {
        assertThatThrownBy(() -> RemoteGit.open(url(), tmp.resolve("anonymous/repo"), Duration.ofSeconds(60)))
                .isInstanceOf(KleiberException.class).hasMessageContaining("cannot clone the remote " + url());
        assertThatThrownBy(() -> RemoteGit.open(url(), tmp.resolve("wrong/repo"), Duration.ofSeconds(60),
                Optional.of(new RemoteGit.Credentials(USER, "not-the-token"))))
                .isInstanceOf(KleiberException.class).hasMessageNotContaining("not-the-token");
        assertThat(authorizations).isNotEmpty();
    }

    @Test
    void aPasswordInTheUrlOrCredentialsOverPlainHttpElsewhereAreRefused() {
        assertThatThrownBy(() -> RemoteGit.open("https://" + USER + ":" + TOKEN + "@git.example/shop.git",
                tmp.resolve("x/repo"), Duration.ofSeconds(5)))
                .isInstanceOf(KleiberException.class).hasMessageContaining("carries a password")
                .hasMessageContaining("--remote-credentials").hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> RemoteGit.open("http://git.example/shop.git", tmp.resolve("y/repo"), Duration.ofSeconds(5),
                Optional.of(new RemoteGit.Credentials(USER, TOKEN))))
                .isInstanceOf(KleiberException.class).hasMessageContaining("over https only");
        assertThat(authorizations).isEmpty();
    }
}
