package dev.kleiber.conductor;

import dev.kleiber.cli.Cli;
import dev.kleiber.cli.CliContext;
import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run on a repository shaped as people's repositories are (issue 14): its branch is {@code master}, its code lives
 * in {@code lib/} (kleiber.yaml's {@code layout.write} says so; the role has no agent file of its own), and its tests
 * need a package installed in the checkout's {@code node_modules}, which git ignores — so a task's fresh worktree has
 * none and the sandbox shows neither the checkout nor a network.
 */
class BrownfieldRunTest {
    @TempDir
    Path tmp;

    @Test
    void aTaskOnAMasterRepositoryWritesWhereTheLayoutSaysAndIsValidatedWithTheCheckoutsDependencies() throws Exception {
        Path repo = masterRepository();
        Cli cli = new Cli(new CliContext(repo, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC()));
        Files.writeString(repo.resolve("plan.yaml"), """
                tasks:
                  - id: zero-pad
                    title: Zero padding
                    agent: engineer-backend
                    description: Add a zero-padding helper in lib/pad.js built on left-pad.
                    acceptance: [pads numbers with zeros to a width]
                    files: [lib/pad.js, lib/pad.test.js]
                    priority: p2
                    model: sonnet
                """);
        Turns script = new Turns();
        script.turn("zero-pad", Tier.SONNET, "I will add lib/pad.js and its test.",
                Turns.write("lib/pad.js", "const leftPad = require('left-pad');\n\n"
                        + "exports.pad = (value, width) => leftPad(String(value), width, '0');\n"),
                Turns.write("lib/pad.test.js", """
                        const { test } = require('node:test');
                        const assert = require('node:assert/strict');
                        const { pad } = require('./pad.js');

                        test('pads numbers with zeros to a width', () => {
                          assert.equal(pad(7, 3), '007');
                        });
                        """));
        script.turn("zero-pad", Tier.SONNET, "", Turns.complete("Added the zero-padding helper."));
        Files.writeString(repo.resolve("script.jsonl"), script.text());

        Cli.Result check = cli.run("plan", "check", "plan.yaml");
        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
        Cli.Result run = cli.run("run", "--plan", "plan.yaml", "--workers", "1", "--script", "script.jsonl");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("zero-pad: merged").contains("1 merged, 0 awaiting review, 0 blocked, 0 failed");
        assertThat(GitRepos.git(repo, "show", "master:lib/pad.js")).contains("left-pad");
        assertThat(GitRepos.git(repo, "branch", "--list", "main")).as("no branch main was made").isBlank();
        assertThat(repo.resolve("reports/zero-pad-validation.md")).content().contains("pass")
                .doesNotContain("Cannot find module");
        assertThat(GitRepos.git(repo, "ls-tree", "-r", "--name-only", "master")).doesNotContain("node_modules");
    }

    /**
     * {@code git init -b master}; the tests run with {@code node --test}; left-pad installed but ignored; kleiber.yaml
     * from {@code kleiber init}, with the back end's code in {@code lib/} and no agent files.
     */
    private Path masterRepository() throws IOException {
        Path repo = GitRepos.init(tmp.resolve("app"));
        GitRepos.git(repo, "branch", "-m", "main", "master");
        Files.writeString(repo.resolve(".gitignore"), "node_modules/\n");
        Files.writeString(repo.resolve("package.json"), """
                {"name": "app", "version": "1.0.0", "private": true, "scripts": {"test": "node --test"},
                 "dependencies": {"left-pad": "1.3.0"}}
                """);
        Path leftPad = Files.createDirectories(repo.resolve("node_modules/left-pad"));
        Files.writeString(leftPad.resolve("package.json"), "{\"name\": \"left-pad\", \"version\": \"1.3.0\", \"main\": \"index.js\"}\n");
        Files.writeString(leftPad.resolve("index.js"),
                "module.exports = (text, width, fill) => String(text).padStart(width, fill === undefined ? ' ' : fill);\n");
        Files.createDirectories(repo.resolve("lib"));
        Files.writeString(repo.resolve("lib/index.js"), "module.exports = {};\n");
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-qm", "an app on master");

        Cli.Result init = new Cli(repo).run("init");
        assertThat(init.exitCode()).as(init.out() + init.err()).isZero();
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        assertThat(config).content().contains("main_branch: \"master\"");
        String yaml = Files.readString(config)
                .replace("run: \"npm run test\", timeout: 600", "run: \"node --test\", timeout: 60")
                .replace("main_branch: \"master\"", "main_branch: \"master\"\n  write: {engineer-backend: [\"lib/**\"]}");
        assertThat(yaml).contains("run: \"node --test\"").contains("engineer-backend: [\"lib/**\"]");
        Files.writeString(config, yaml);
        try (var agents = Files.list(repo.resolve(".kleiber/agents"))) {
            for (Path file : agents.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(repo.resolve(".kleiber/agents"));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-qm", "kleiber");
        return repo;
    }
}
