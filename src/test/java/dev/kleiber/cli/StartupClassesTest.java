package dev.kleiber.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up stays light: {@code kleiber --help} and {@code kleiber route} must not load the Anthropic SDK,
 * JDBC, database drivers or HTTP clients. Runs the real main class in a child JVM and reads its class-load log.
 *
 * <p>Exceptions outside Kleiber's control: picocli registers built-in converters for a few {@code java.sql}
 * types on every {@code CommandLine} (looked up by reflection, no driver is loaded or connection made), and
 * SnakeYAML's tag table names {@code java.sql.Date}. Exactly those are allowed; any other {@code java.sql}
 * class fails the test.
 */
class StartupClassesTest {
    private static final List<String> HEAVY = List.of("com.anthropic.", "java.sql.", "okhttp3.", "java.net.http.",
            "org.sqlite.", "org.postgresql.", "org.flywaydb.", "kotlin.",
            // Jackson's object mapping is the costly part; the JSON tree types a command's signatures name may be
            // loaded when the JVM verifies that command, which picocli builds for every command line.
            "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.databind.ser.",
            "com.fasterxml.jackson.databind.deser.");
    private static final Set<String> PICOCLI_CONVERTERS = Set.of("java.sql.Time", "java.sql.Timestamp",
            "java.sql.Connection", "java.sql.Driver", "java.sql.DriverManager", "java.sql.Wrapper",
            "java.sql.DriverAction", "java.sql.SQLException", "java.sql.SQLNonTransientException",
            "java.sql.SQLFeatureNotSupportedException", "java.sql.Date");

    @TempDir
    Path dir;

    record Run(int exitCode, String out, List<String> loaded) {
    }

    private Run kleiber(String stdin, String... args) throws IOException, InterruptedException {
        Path log = dir.resolve("classes-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log,
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> loaded = Files.readAllLines(log).stream()
                .map(l -> l.replaceFirst("^\\[[^]]*]\\[[^]]*]\\[[^]]*] ?", ""))
                .map(l -> l.split(" ")[0]).toList();
        return new Run(process.exitValue(), out, loaded);
    }

    private static void assertLight(Run run) {
        assertThat(run.loaded()).as("classes loaded").isNotEmpty().contains("dev.kleiber.cli.Main");
        assertThat(run.loaded()).filteredOn(c -> HEAVY.stream().anyMatch(c::startsWith))
                .filteredOn(c -> !PICOCLI_CONVERTERS.contains(c)).as("heavy classes").isEmpty();
    }

    @Test
    void helpLoadsNoSdkDatabaseOrHttpClasses() throws Exception {
        Run run = kleiber("", "--help");

        assertThat(run.exitCode()).isZero();
        assertLight(run);
    }

    @Test
    void routeLoadsNoSdkDatabaseOrHttpClasses() throws Exception {
        Run run = kleiber("", "route", "--json", "Implement PCI-DSS compliant card storage");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("\"model\":\"opus\"");
        assertLight(run);
        assertThat(run.loaded()).contains("dev.kleiber.routing.Router");
    }

    @Test
    void routeReadsJsonLinesFromStandardInput() throws Exception {
        Run run = kleiber("""
                {"id":"1","description":"Add JSDoc comments to exported functions"}
                {"id":"2","description":"Add pagination to search results endpoint"}
                """, "route", "--json", "--input", "-");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).hasSize(2);
        assertThat(run.out().lines().toList().get(0)).startsWith("{\"id\":\"1\",\"model\":\"haiku\"");
        assertThat(run.out().lines().toList().get(1)).startsWith("{\"id\":\"2\",\"model\":\"sonnet\"");
        assertLight(run);
    }
}
