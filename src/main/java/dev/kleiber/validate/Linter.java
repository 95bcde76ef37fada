package dev.kleiber.validate;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a repository's files and branches against the blueprint's naming conventions and the two
 * machine-checkable role gates. Folders that hold dependencies, build output or tool state
 * ({@code node_modules}, {@code dist}, {@code build}, {@code target}, {@code coverage}, hidden folders such
 * as {@code .git} and {@code .kleiber}, ...) are never entered, and files git ignores are skipped when
 * git can tell.
 */
public final class Linter {
    static final Set<String> SKIPPED_FOLDERS = Set.of("node_modules", "dist", "build", "out", "target", "coverage",
            "vendor", "storybook-static", "bower_components", "jspm_packages", "__pycache__");
    private static final Set<String> SCRIPTS = Set.of("ts", "tsx", "js", "jsx", "mjs", "cjs");
    /** Larger files are generated or minified, not written by a person or an agent. */
    private static final long MAX_FILE_BYTES = 2_000_000;

    private final Path root;
    private final Optional<Set<String>> unignored;

    /**
     * @param root      the repository's root folder
     * @param unignored the files git does not ignore (relative paths), or empty to judge every file found
     */
    public Linter(Path root, Optional<Set<String>> unignored) {
        this.root = root.toAbsolutePath().normalize();
        this.unignored = unignored.map(Set::copyOf);
    }

    /** What was checked and what was found, findings in path and line order. */
    public record Result(List<Finding> findings, int filesChecked, int branchesChecked, int componentsChecked,
                         int endpointsChecked) {
        public Result {
            findings = List.copyOf(findings);
        }
    }

    /** Which kinds of checks to run. */
    public enum Scope {
        /** File, function, branch and SQL names. */
        NAMING,
        /** A Storybook story beside each component. */
        STORIES,
        /** An integration test for each endpoint. */
        ENDPOINT_TESTS
    }

    /**
     * Lints the files under {@code targets} (files or folders inside the root; the root itself for all)
     * and the given branch names.
     */
    public Result lint(List<Path> targets, List<String> branches, Set<Scope> scopes) {
        List<String> files = files(targets);
        List<Finding> findings = new ArrayList<>();
        List<String> components = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        for (String file : files) {
            if (scopes.contains(Scope.NAMING)) {
                findings.addAll(FileNamingRules.check(file, () -> read(file).orElse("")));
            }
            boolean script = isScript(file);
            boolean naming = scopes.contains(Scope.NAMING) && (script || SqlNamingRules.isMigration(file));
            boolean backend = scopes.contains(Scope.ENDPOINT_TESTS) && EndpointGate.isBackendSource(file);
            if (naming || backend) {
                Optional<String> text = read(file);
                if (text.isPresent()) {
                    if (naming && script) {
                        findings.addAll(FunctionNamingRules.check(file, text.get()));
                    } else if (naming) {
                        findings.addAll(SqlNamingRules.check(file, text.get()));
                    }
                    if (backend) {
                        endpoints.addAll(EndpointGate.endpoints(file, text.get()));
                    }
                }
            }
            if (scopes.contains(Scope.STORIES) && StoryGate.isComponent(file)) {
                components.add(file);
            }
        }
        findings.addAll(StoryGate.check(components, path -> Files.isRegularFile(root.resolve(path))));
        if (!endpoints.isEmpty()) {
            findings.addAll(EndpointGate.check(endpoints, integrationTests()));
        }
        int branchCount = 0;
        if (scopes.contains(Scope.NAMING)) {
            for (String branch : branches) {
                if (BranchNamingRules.inNamespace(branch)) {
                    branchCount++;
                    BranchNamingRules.check(branch).ifPresent(findings::add);
                }
            }
        }
        findings.sort(null);
        return new Result(findings, files.size(), branchCount, components.size(), endpoints.size());
    }

    private static boolean isScript(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 && SCRIPTS.contains(name.substring(dot + 1)) && !name.endsWith(".d.ts") && !name.endsWith(".min.js");
    }

    private List<String> integrationTests() {
        Path dir = root.resolve("tests").resolve("integration");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        for (String file : files(List.of(dir))) {
            read(file).ifPresent(texts::add);
        }
        return texts;
    }

    private Optional<String> read(String file) {
        Path path = root.resolve(file);
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                return Optional.empty();
            }
            return Optional.of(new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw KleiberException.failed("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Regular files under the targets, relative to the root, sorted, without skipped folders or ignored files. */
    private List<String> files(List<Path> targets) {
        Set<String> files = new TreeSet<>();
        for (Path target : targets) {
            Path absolute = target.toAbsolutePath().normalize();
            if (!absolute.startsWith(root)) {
                throw KleiberException.badInput(target + " is outside the repository " + root);
            }
            if (!Files.exists(absolute)) {
                throw KleiberException.badInput(target + " does not exist");
            }
            try {
                Files.walkFileTree(absolute, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        boolean skipped = !dir.equals(absolute) && !dir.equals(root)
                                && (SKIPPED_FOLDERS.contains(name) || name.startsWith("."));
                        return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile()) {
                            String relative = relative(file);
                            if (unignored.map(set -> set.contains(relative)).orElse(true)) {
                                files.add(relative);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw KleiberException.failed("cannot list " + target + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(files);
    }

    private String relative(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
