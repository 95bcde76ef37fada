package dev.kleiber.testutil;

import dev.kleiber.cli.Cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny Node project under Kleiber in a real git repository: {@code node --test} is its validation command. */
public final class NodeShop {
    public static final String SUM = "export function sum(a, b) {\n  return a + b;\n}\n";
    public static final String BROKEN_SUM = "export function sum(a, b) {\n  return a - b;\n}\n";
    public static final String SUM_TEST = """
            import { test } from 'node:test';
            import assert from 'node:assert/strict';
            import { sum } from './sum.js';

            test('sum adds two numbers', () => {
              assert.equal(sum(2, 3), 5);
            });
            """;

    private NodeShop() {
    }

    /** {@code kleiber init} in a new repository at {@code dir}, the project committed on main; its test passes. */
    public static Path create(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        write(repo, "package.json", "{\"name\": \"shop\", \"type\": \"module\", \"private\": true}\n");
        write(repo, "src/services/sum.js", SUM);
        write(repo, "src/services/sum.test.js", SUM_TEST);
        Cli.Result init = new Cli(repo).run("init");
        if (init.exitCode() != 0) {
            throw new IllegalStateException("kleiber init failed: " + init.err());
        }
        Path config = repo.resolve(".kleiber/kleiber.yaml");
        Files.writeString(config, Files.readString(config)
                .replace("commands: []", "commands: [{name: test, run: \"node --test\", timeout: 60}]"));
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", "a tiny shop under kleiber");
        return repo;
    }

    /** Commits a sum that subtracts: main's test fails from here on. */
    public static void breakMain(Path repo) throws IOException {
        write(repo, "src/services/sum.js", BROKEN_SUM);
        GitRepos.git(repo, "commit", "-q", "-am", "break sum");
    }

    public static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
