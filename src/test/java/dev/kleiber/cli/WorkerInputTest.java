package dev.kleiber.cli;

import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code kleiber worker} and {@code kleiber config} refuse before anything runs, with exit 2 and a sentence that
 * never repeats a secret: a remote URL carrying a password, a credentials file others may read or that lacks a line,
 * half of the credentials in the environment, a tag requirement for a role that does not exist.
 */
class WorkerInputTest {
    private static final String TOKEN = "ghp_never-shown-token";

    @TempDir
    Path tmp;

    private Cli.Result worker(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "worker";
        all[1] = "--store";
        all[2] = "postgresql://kleiber@127.0.0.1:1/kleiber";
        all[3] = "--cache";
        all[4] = tmp.resolve("cache").toString();
        System.arraycopy(args, 0, all, 5, args.length);
        return new Cli(new CliContext(tmp, env, Clock.systemUTC())).run(all);
    }

    @Test
    void aPasswordInTheRemoteUrlIsRefusedWithoutRepeatingIt() {
        Cli.Result run = worker(Map.of(), "--remote", "https://bot:" + TOKEN + "@git.example/shop.git");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the remote URL carries a password").contains("--remote-credentials")
                .doesNotContain(TOKEN);
        assertThat(run.out()).doesNotContain(TOKEN);
    }

    @Test
    void slotsAndTheHostsCapMustBeInRange() {
        Cli.Result slots = worker(Map.of(), "--remote", "/srv/shop.git", "--slots", "0");
        assertThat(slots.exitCode()).isEqualTo(2);
        assertThat(slots.err()).contains("--slots must be 1 to 64; found 0");

        Cli.Result host = worker(Map.of(), "--remote", "/srv/shop.git", "--host-slots", "0");
        assertThat(host.exitCode()).isEqualTo(2);
        assertThat(host.err()).contains("--host-slots must be 1 to 256; found 0");
    }

    @Test
    void aCredentialsFileMustBeTheOwnersAloneAndComplete() throws Exception {
        Path file = Files.writeString(tmp.resolve("shop.cred"), "username=bot\npassword=" + TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result readable = worker(Map.of(), "--remote", "https://git.example/shop.git", "--remote-credentials",
                file.toString());
        assertThat(readable.exitCode()).isEqualTo(2);
        assertThat(readable.err()).contains("other users may read or write it").contains("chmod 600").doesNotContain(TOKEN);

        Files.writeString(file, "username=bot\n" + TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Cli.Result garbled = worker(Map.of(), "--remote", "https://git.example/shop.git", "--remote-credentials",
                file.toString());
        assertThat(garbled.exitCode()).isEqualTo(2);
        assertThat(garbled.err()).contains("line 2: expected username=USER or password=TOKEN").doesNotContain(TOKEN);

        Cli.Result half = worker(Map.of("KLEIBER_REMOTE_USERNAME", "bot"), "--remote", "https://git.example/shop.git");
        assertThat(half.exitCode()).isEqualTo(2);
        assertThat(half.err()).contains("set both $KLEIBER_REMOTE_USERNAME and $KLEIBER_REMOTE_PASSWORD");
    }

    @Test
    void configNamesTheTagsTasksNeedAndRefusesAnUnknownRole() throws Exception {
        Path repo = GitRepos.init(tmp.resolve("shop"));
        assertThat(new Cli(repo).run("init").exitCode()).isZero();
        Path yaml = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(yaml, Files.readString(yaml)
                + "requires:\n  roles: {engineer-frontend: [node20]}\n  tasks: {build-storybook: [chromium]}\n");

        Cli.Result text = new Cli(repo).run("config");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("requires      engineer-frontend: node20; task build-storybook: chromium");
        assertThat(new Cli(repo).run("config", "--json").out()).contains("\"engineer-frontend\" : [ \"node20\" ]");

        Files.writeString(yaml, Files.readString(yaml).replace("engineer-frontend: [node20]", "engineer-fronted: [node20]"));
        Cli.Result unknown = new Cli(repo).run("config");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("'requires.roles' names 'engineer-fronted', which is no role");
    }
}
