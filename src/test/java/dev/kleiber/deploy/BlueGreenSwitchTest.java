package dev.kleiber.deploy;

import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.GitRepos;
import dev.kleiber.testutil.SampleShop;
import dev.kleiber.testutil.TestStores;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/blue-green.sh} with its nginx driver, for real: two {@code kleiber serve} processes (blue and
 * green) on one PostgreSQL store behind Debian's nginx, a client polling the API through nginx the whole time.
 * The switch and the rollback must not fail a single request, and afterwards nginx must send traffic to the
 * colour the script named (read from nginx's own access log of upstream addresses).
 */
class BlueGreenSwitchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        for (Process p : processes.reversed()) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void switchesAndRollsBackWithoutAFailedRequest(@TempDir Path tmp) throws Exception {
        new Tool("nginx").requireInstalled();
        new Tool("curl").requireInstalled();
        Path repo = SampleShop.copyTo(tmp.resolve("shop"));
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        assertThat(cli.run("init").exitCode()).isZero();
        StoreUrl.Postgresql store = (StoreUrl.Postgresql) TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp);
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        String url = "postgresql://postgres@" + store.host() + ":" + store.port() + "/" + store.database();
        String yaml = Files.readString(config);
        Files.writeString(config, java.util.regex.Pattern.compile("(?m)^store:").matcher(yaml).find() ? yaml.replaceFirst("(?m)^store:.*$", "store: " + url)
                : yaml + "\nstore: " + url + "\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "under kleiber, on a shared PostgreSQL store");
        Cli.Result created = cli.run("token", "create", "--name", "smoke", "--scope", "read", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = JSON.readTree(created.out()).path("secret").asText();

        int bluePort = freePort();
        int greenPort = freePort();
        int nginxPort = freePort();
        serve(repo, bluePort, tmp.resolve("blue.log"));
        serve(repo, greenPort, tmp.resolve("green.log"));
        awaitReady(bluePort);
        awaitReady(greenPort);

        Path nginx = Files.createDirectories(tmp.resolve("nginx"));
        Path upstream = nginx.resolve("upstream.conf");
        Files.writeString(upstream, "upstream kleiber {\n    server 127.0.0.1:" + bluePort + ";\n}\n");
        Path conf = nginx.resolve("nginx.conf");
        Files.writeString(conf, """
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                daemon off;
                events { worker_connections 256; }
                http {
                    log_format upstreams '$upstream_addr $status';
                    access_log %1$s/access.log upstreams;
                    client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                    include %2$s;
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            proxy_pass http://kleiber;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                }
                """.formatted(nginx, upstream, nginxPort));
        Process nginxProcess = start(List.of("nginx", "-c", conf.toString(), "-p", nginx.toString()), nginx.resolve("out.log"));
        awaitStatus(nginxPort, "/healthz", 200);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread poller = Thread.ofPlatform().name("poller").start(() -> {
            while (polling.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + nginxPort + "/api/v1/runs"))
                            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        Map<String, String> env = Map.of(
                "KLEIBER_BG_DRIVER", "nginx",
                "KLEIBER_NGINX_UPSTREAM", upstream.toString(),
                "KLEIBER_NGINX_RELOAD", "nginx -c " + conf + " -p " + nginx + " -s reload",
                "KLEIBER_BLUE_URL", "http://127.0.0.1:" + bluePort,
                "KLEIBER_GREEN_URL", "http://127.0.0.1:" + greenPort,
                // both colours were started above, as the test's "deployment"; the script only checks and switches
                "KLEIBER_BG_START", "true",
                "KLEIBER_SMOKE_TOKEN", token,
                "KLEIBER_BG_TIMEOUT", "60");
        awaitRequests(ok, 20);
        Tool.Result deployed = script(env, "deploy", "kleiber:next");
        assertThat(deployed.exitCode()).as(deployed.output()).isZero();
        assertThat(deployed.output()).contains("green is live");
        int afterSwitch = ok.get();
        awaitRequests(ok, afterSwitch + 20);
        assertThat(settledUpstreams(nginx, "127.0.0.1:" + greenPort)).containsOnly("127.0.0.1:" + greenPort);

        Tool.Result rolledBack = script(env, "rollback");
        assertThat(rolledBack.exitCode()).as(rolledBack.output()).isZero();
        assertThat(rolledBack.output()).contains("blue is live again");
        int afterRollback = ok.get();
        awaitRequests(ok, afterRollback + 20);
        assertThat(settledUpstreams(nginx, "127.0.0.1:" + bluePort)).containsOnly("127.0.0.1:" + bluePort);

        polling.set(false);
        poller.join(15_000);
        assertThat(failures).as("requests that failed during the switches").isEmpty();
        assertThat(ok.get()).isGreaterThan(60);
        assertThat(nginxProcess.isAlive()).isTrue();
    }

    private void serve(Path repo, int port, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        start(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.kleiber.cli.Main", "serve", "--port", Integer.toString(port)), log, repo);
    }

    private Process start(List<String> command, Path log) throws IOException {
        return start(command, log, log.getParent());
    }

    private Process start(List<String> command, Path log, Path dir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("ANTHROPIC_API_KEY");
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static Tool.Result script(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("env"));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.add(ROOT.resolve("deploy/blue-green.sh").toString());
        command.addAll(List.of(args));
        return new Tool("bash").run(ROOT, command);
    }

    private static List<String> lastUpstreams(Path nginx, int n) throws IOException {
        List<String> lines = Files.readAllLines(nginx.resolve("access.log"));
        return lines.subList(Math.max(0, lines.size() - n), lines.size()).stream().map(l -> l.split(" ")[0]).toList();
    }

    /**
     * The upstreams of the last 5 requests once they are all {@code expected}, or as they are after 15 s. nginx's
     * reload is asynchronous: its old workers finish the requests they hold (a poller's keep-alive connection among
     * them) after the script has said the switch is done, so a loaded machine can log one more request to the old
     * upstream just after. Every request still succeeds: the polls count failures apart.
     */
    private static List<String> settledUpstreams(Path nginx, String expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> last = lastUpstreams(nginx, 5);
        while (!last.stream().allMatch(expected::equals) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = lastUpstreams(nginx, 5);
        }
        return last;
    }

    private static void awaitRequests(AtomicInteger ok, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ok.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ok.get()).as("successful polls").isGreaterThanOrEqualTo(atLeast);
    }

    private static void awaitReady(int port) throws InterruptedException {
        awaitStatus(port, "/readyz", 200);
    }

    private static void awaitStatus(int port, String path, int expected) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == expected) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        assertThat(last).as("GET %s on port %d", path, port).isEqualTo(expected);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
