package dev.kleiber.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kleiber.KleiberException;
import dev.kleiber.validate.LocalGit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a repository as {@code kleiber init} needs it: the files git tracks (or would track), the manifests of its
 * package manager and workspaces, and the first bytes of scripts that might declare Express routes. Reads only;
 * every read is bounded, so a large repository costs a listing and a few hundred small reads.
 */
public final class RepositoryScan {
    private static final long MAX_MANIFEST_BYTES = 512 * 1024;
    private static final long MAX_SCRIPT_BYTES = 200 * 1024;
    private static final int MAX_SCRIPTS_READ = 3000;
    private static final int MAX_FOLDERS = 12;
    private static final Set<String> FRONTEND_DEPS = Set.of("react", "react-dom", "next", "vue", "nuxt", "svelte",
            "@sveltejs/kit", "@angular/core", "solid-js", "preact");
    private static final Set<String> BACKEND_DEPS = Set.of("express", "fastify", "koa", "@nestjs/core", "@hapi/hapi",
            "hono");
    /** Libraries only server code uses: a package with one of them (and no UI library) is the back end's. */
    private static final Set<String> SERVER_DEPS = Set.of("@trpc/server", "@prisma/client", "drizzle-orm", "kysely",
            "pg", "mysql2", "nodemailer", "bullmq", "ioredis", "next-auth", "@auth/core");
    private static final List<String> MANIFESTS = List.of("package.json", "pom.xml", "build.gradle", "build.gradle.kts");
    private static final Set<String> TEST_FOLDERS = Set.of("test", "tests", "__tests__", "e2e", "spec", "integration");
    private static final Pattern EXPRESS = Pattern.compile("\\bexpress\\s*\\(\\s*\\)|\\bexpress\\s*\\.\\s*Router\\s*\\("
            + "|\\bRouter\\s*\\(\\s*\\)\\s*;?|\\bfrom\\s+['\"]express['\"]|require\\(\\s*['\"]express['\"]\\s*\\)");
    private static final Pattern ROUTE_CALL = Pattern.compile(
            "\\b(?:app|router|[\\w$]*Router|[\\w$]*router)\\s*\\.\\s*(?:get|post|put|patch|delete)\\s*\\(\\s*['\"`]/");
    private static final Pattern SVGR_OUT = Pattern.compile("\\bsvgr\\b[^\"]*?(?:--out-dir|-d)\\s+([\\w./-]+)");
    private static final Pattern MAVEN_MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");
    private static final Pattern GRADLE_INCLUDE = Pattern.compile("include\\s*\\(?\\s*((?:['\"][:\\w.-]+['\"]\\s*,?\\s*)+)");
    private static final Pattern QUOTED = Pattern.compile("['\"]:?([\\w.:-]+)['\"]");

    private final Path root;
    private final ObjectMapper json = new ObjectMapper();

    public RepositoryScan(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public RepositoryFacts scan() {
        LocalGit git = new LocalGit(root);
        List<String> files = new ArrayList<>(new TreeSet<>(git.unignoredFiles()));
        Set<String> fileSet = Set.copyOf(files);
        String main = git.defaultBranch().orElse(LayoutSettings.DEFAULT_MAIN_BRANCH);

        Optional<JsonNode> rootPackage = packageJson("");
        String manager = packageManager(fileSet, rootPackage.isPresent());
        List<String> workspaces = workspaces(rootPackage, fileSet);
        Optional<String> monorepo = fileSet.contains("turbo.json") ? Optional.of("turborepo")
                : fileSet.contains("nx.json") ? Optional.of("nx") : Optional.empty();

        List<String> packages = new ArrayList<>(workspaces);
        packages.add("");
        Set<String> frontend = new LinkedHashSet<>();
        Set<String> backend = new LinkedHashSet<>();
        Set<String> deps = new TreeSet<>();
        for (String pkg : packages) {
            Optional<JsonNode> manifest = packageJson(pkg);
            Set<String> own = dependencies(manifest);
            deps.addAll(own);
            boolean front = own.stream().anyMatch(FRONTEND_DEPS::contains);
            boolean back = own.stream().anyMatch(d -> BACKEND_DEPS.contains(d) || SERVER_DEPS.contains(d));
            if (!pkg.isEmpty() && manifest.isPresent()) {
                // a full-stack app (a UI library and a server) is both roles'; so is shared code that is neither's,
                // which a task of either side may need to change
                if (front || !back) {
                    frontend.add(pkg + "/**");
                }
                if (back || !front) {
                    backend.add(pkg + "/**");
                }
            }
        }
        List<String> components = folders(files, name -> name.equals("components"));
        List<String> routes = routeFolders(files);
        List<String> tests = folders(files, TEST_FOLDERS::contains).stream()
                .filter(t -> !t.contains("/src/components/")).toList();
        Optional<String> migrationTool = migrationTool(fileSet, files, deps);
        List<String> database = database(files, fileSet);
        Stack stack = stack(fileSet, deps, files);
        // a folder name alone (src/app, public) is no front end in an API that has no UI library and no UI files
        boolean frontendCode = deps.stream().anyMatch(FRONTEND_DEPS::contains)
                || files.stream().anyMatch(f -> f.matches(".*\\.(tsx|jsx|vue|svelte)"));
        if (workspaces.isEmpty() || frontend.isEmpty() && backend.isEmpty()) {
            singlePackage(stack, files, fileSet, frontendCode ? components : List.of(), routes, frontend, backend,
                    frontendCode);
        }
        List<String> generated = generated(files, rootPackage);
        Map<String, String> commands = commands(manager, rootPackage, fileSet, monorepo);
        boolean storybook = deps.stream().anyMatch(d -> d.startsWith("@storybook/") || d.equals("storybook"))
                || files.stream().anyMatch(f -> f.startsWith(".storybook/") || f.contains("/.storybook/")
                || f.matches(".*\\.stories\\.[jt]sx?$|.*\\.stories\\.mdx$"));
        return new RepositoryFacts(main, manager, workspaces, monorepo, stack, cap(frontend), cap(backend), database,
                cap(tests), cap(components), cap(routes), commands, migrationTool, generated, storybook);
    }

    /** One package (or modules without a clear split): the front and back end are told apart by their folders. */
    private static void singlePackage(Stack stack, List<String> files, Set<String> fileSet, List<String> components,
                                      List<String> routes, Set<String> frontend, Set<String> backend,
                                      boolean frontendCode) {
        switch (stack) {
            case SPRING -> files.stream().map(f -> f.replaceFirst("(^|.*/)src/(main|test)/.*", "$1src/**"))
                    .filter(f -> f.endsWith("src/**")).distinct().limit(MAX_FOLDERS).forEach(backend::add);
            case PYTHON -> files.stream().filter(f -> f.endsWith("/__init__.py") && f.indexOf('/') == f.lastIndexOf('/'))
                    .map(f -> f.substring(0, f.indexOf('/')) + "/**").forEach(backend::add);
            default -> {
                for (String folder : List.of("src/backend", "src/services", "src/server", "src/api", "server", "api",
                        "backend")) {
                    if (hasFilesUnder(files, folder)) {
                        backend.add(folder + "/**");
                    }
                }
                for (String folder : List.of("src/frontend", "src/pages", "src/views", "src/hooks", "src/styles",
                        "src/app", "frontend", "client", "web", "public")) {
                    if (frontendCode && hasFilesUnder(files, folder)
                            && !(folder.equals("src/app") && routesUnder(routes, folder))) {
                        frontend.add(folder + "/**");
                    }
                }
                routes.forEach(r -> {
                    if (frontend.stream().noneMatch(f -> r.startsWith(f.substring(0, f.length() - 2)))) {
                        backend.add(r);
                    }
                });
                components.forEach(frontend::add);
                boolean blueprint = backend.contains("src/backend/**") || backend.contains("src/services/**")
                        || frontend.contains("src/frontend/**");
                if (blueprint) {
                    return;
                }
                if (frontend.isEmpty() && !backend.isEmpty() && hasFilesUnder(files, "src")
                        && stack != Stack.VUE && fileSet.stream().noneMatch(f -> f.endsWith(".tsx") || f.endsWith(".jsx"))) {
                    // an API alone: all of src/ is the back end's
                    backend.clear();
                    backend.add("src/**");
                } else if (backend.isEmpty() && !frontend.isEmpty() && hasFilesUnder(files, "src")) {
                    frontend.clear();
                    frontend.add("src/**");
                    if (hasFilesUnder(files, "public")) {
                        frontend.add("public/**");
                    }
                }
                // a Next.js app's route handlers are back-end code inside the front end's folders
                for (String api : List.of("src/app/api", "app/api", "src/pages/api", "pages/api")) {
                    if (frontendCode && hasFilesUnder(files, api)) {
                        backend.add(api + "/**");
                    }
                }
            }
        }
    }

    private static boolean routesUnder(List<String> routes, String folder) {
        return routes.stream().anyMatch(r -> r.startsWith(folder + "/"));
    }

    private static boolean hasFilesUnder(List<String> files, String folder) {
        String prefix = folder + "/";
        return files.stream().anyMatch(f -> f.startsWith(prefix));
    }

    private static String packageManager(Set<String> files, boolean packageJson) {
        if (files.contains("pnpm-lock.yaml") || files.contains("pnpm-workspace.yaml")) {
            return "pnpm";
        }
        if (files.contains("yarn.lock")) {
            return "yarn";
        }
        if (files.contains("bun.lockb") || files.contains("bun.lock")) {
            return "bun";
        }
        if (packageJson) {
            return "npm";
        }
        if (files.contains("pom.xml")) {
            return "maven";
        }
        if (files.contains("build.gradle") || files.contains("build.gradle.kts")) {
            return "gradle";
        }
        if (files.contains("pyproject.toml") || files.contains("requirements.txt") || files.contains("setup.py")) {
            return "python";
        }
        return "none";
    }

    /** npm/yarn workspaces, pnpm-workspace.yaml, Maven modules and Gradle includes, as the folders they match. */
    private List<String> workspaces(Optional<JsonNode> rootPackage, Set<String> files) {
        List<String> patterns = new ArrayList<>();
        rootPackage.map(p -> p.path("workspaces")).ifPresent(w -> {
            JsonNode list = w.isArray() ? w : w.path("packages");
            list.forEach(item -> patterns.add(item.asText()));
        });
        if (files.contains("pnpm-workspace.yaml")) {
            // only the items of `packages:`; the file's other lists (onlyBuiltDependencies, ...) name packages
            boolean inPackages = false;
            for (String line : text("pnpm-workspace.yaml").lines().toList()) {
                if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("-")) {
                    inPackages = line.matches("packages\\s*:\\s*(#.*)?");
                    continue;
                }
                Matcher m = Pattern.compile("^\\s*-\\s*['\"]?([^'\"#]+?)['\"]?\\s*$").matcher(line);
                if (inPackages && m.matches() && !m.group(1).startsWith("!")) {
                    patterns.add(m.group(1));
                }
            }
        }
        if (files.contains("pom.xml")) {
            Matcher m = MAVEN_MODULE.matcher(text("pom.xml"));
            while (m.find()) {
                patterns.add(m.group(1));
            }
        }
        for (String settings : List.of("settings.gradle", "settings.gradle.kts")) {
            if (files.contains(settings)) {
                Matcher m = GRADLE_INCLUDE.matcher(text(settings));
                while (m.find()) {
                    Matcher q = QUOTED.matcher(m.group(1));
                    while (q.find()) {
                        patterns.add(q.group(1).replace(':', '/'));
                    }
                }
            }
        }
        Set<String> folders = new TreeSet<>();
        for (String pattern : patterns) {
            String clean = pattern.strip().replaceAll("/+$", "").replaceFirst("^\\./", "");
            if (clean.isEmpty() || clean.contains("..")) {
                continue;
            }
            Pattern glob = Pattern.compile(clean.replace(".", "\\.").replace("**", "\u0000").replace("*", "[^/]+")
                    .replace("\u0000", ".+"));
            for (String file : files) {
                String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
                for (String candidate = dir; !candidate.isEmpty();
                     candidate = candidate.contains("/") ? candidate.substring(0, candidate.lastIndexOf('/')) : "") {
                    // a workspace is a package or module: pnpm's '**' matches every folder, only those with a manifest count
                    String folder = candidate;
                    if (glob.matcher(folder).matches() && MANIFESTS.stream().anyMatch(m -> files.contains(folder + "/" + m))) {
                        folders.add(candidate);
                        break;
                    }
                }
            }
        }
        return List.copyOf(folders);
    }

    private Optional<JsonNode> packageJson(String folder) {
        String path = folder.isEmpty() ? "package.json" : folder + "/package.json";
        Path file = root.resolve(path);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readTree(text(path)));
        } catch (IOException e) {
            throw KleiberException.badInput(path + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); fix it, then run kleiber init again");
        }
    }

    private static Set<String> dependencies(Optional<JsonNode> pkg) {
        Set<String> names = new TreeSet<>();
        pkg.ifPresent(p -> {
            for (String key : List.of("dependencies", "devDependencies", "peerDependencies")) {
                p.path(key).fieldNames().forEachRemaining(names::add);
            }
        });
        return names;
    }

    private Stack stack(Set<String> files, Set<String> deps, List<String> all) {
        if (files.contains("pom.xml") || files.contains("build.gradle") || files.contains("build.gradle.kts")) {
            return Stack.SPRING;
        }
        if (!files.contains("package.json") && (files.contains("pyproject.toml") || files.contains("requirements.txt")
                || files.contains("setup.py") || files.contains("manage.py"))) {
            return Stack.PYTHON;
        }
        if (deps.contains("vue") || deps.contains("nuxt") || all.stream().anyMatch(f -> f.endsWith(".vue"))) {
            return Stack.VUE;
        }
        boolean react = deps.contains("react");
        boolean express = deps.contains("express");
        return react && express || files.stream().anyMatch(f -> f.startsWith("src/backend/")) && react
                ? Stack.BLUEPRINT : Stack.NODE;
    }

    private static Optional<String> migrationTool(Set<String> files, List<String> all, Set<String> deps) {
        if (all.stream().anyMatch(f -> f.endsWith("schema.prisma")) || deps.contains("prisma")) {
            return Optional.of("prisma");
        }
        if (deps.contains("drizzle-kit") || all.stream().anyMatch(f -> f.matches("(.*/)?drizzle\\.config\\.[jt]s"))) {
            return Optional.of("drizzle");
        }
        for (String tool : List.of("knex", "typeorm", "sequelize")) {
            if (deps.contains(tool)) {
                return Optional.of(tool);
            }
        }
        if (all.stream().anyMatch(f -> f.matches(".*/db/migration/V\\d+.*\\.sql"))) {
            return Optional.of("flyway");
        }
        if (all.stream().anyMatch(f -> f.contains("changelog") && (f.endsWith(".xml") || f.endsWith(".yaml")))
                && files.contains("pom.xml")) {
            return Optional.of("liquibase");
        }
        if (files.contains("alembic.ini")) {
            return Optional.of("alembic");
        }
        return files.contains("manage.py") ? Optional.of("django") : Optional.empty();
    }

    private static List<String> database(List<String> files, Set<String> fileSet) {
        Set<String> folders = new LinkedHashSet<>();
        for (String file : files) {
            if (file.endsWith("schema.prisma")) {
                folders.add(parent(file).isEmpty() ? file : parent(file) + "/**");
            }
            Matcher m = Pattern.compile("^(.*?/?(?:migrations|migration|drizzle|alembic))/").matcher(file);
            if (m.find()) {
                folders.add(m.group(1) + "/**");
            }
        }
        for (String folder : List.of("src/db", "db")) {
            if (hasFilesUnder(files, folder)) {
                folders.add(folder + "/**");
            }
        }
        // a folder inside another one listed adds nothing
        List<String> result = new ArrayList<>();
        for (String folder : folders) {
            String base = folder.substring(0, folder.length() - 2);
            if (folders.stream().noneMatch(o -> !o.equals(folder) && base.startsWith(o.substring(0, o.length() - 2)))) {
                result.add(folder);
            }
        }
        return cap(result);
    }

    /** Folders whose own name passes {@code name}, shallowest first, without folders inside them. */
    private static List<String> folders(List<String> files, java.util.function.Predicate<String> name) {
        Set<String> found = new TreeSet<>();
        for (String file : files) {
            String[] parts = file.split("/");
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                path.append(i == 0 ? "" : "/").append(parts[i]);
                if (name.test(parts[i])) {
                    found.add(path + "/**");
                    break;
                }
            }
        }
        return List.copyOf(found);
    }

    /** The folders of scripts that create an Express app or router and declare a route. */
    private List<String> routeFolders(List<String> files) {
        Set<String> folders = new TreeSet<>();
        int read = 0;
        for (String file : files) {
            if (read >= MAX_SCRIPTS_READ) {
                break;
            }
            if (!file.matches(".*\\.(ts|js|mjs|cjs)") || file.endsWith(".d.ts") || file.matches(".*\\.(test|spec)\\..*")
                    || file.contains("/test/") || file.contains("/tests/") || file.contains("/__tests__/")) {
                continue;
            }
            Path path = root.resolve(file);
            try {
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.size(path) > MAX_SCRIPT_BYTES) {
                    continue;
                }
                read++;
                String text = Files.readString(path, StandardCharsets.UTF_8);
                if (EXPRESS.matcher(text).find() && ROUTE_CALL.matcher(text).find()) {
                    folders.add(parent(file).isEmpty() ? file : parent(file) + "/**");
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // unreadable or not UTF-8: not a route file Kleiber can judge anyway
            }
        }
        return LayoutProposal.withoutNested(folders);
    }

    private List<String> generated(List<String> files, Optional<JsonNode> rootPackage) {
        Set<String> folders = new TreeSet<>(folders(files, name -> name.equals("__generated__")
                || name.equals("generated")));
        rootPackage.map(p -> p.path("scripts")).ifPresent(scripts -> scripts.forEach(script -> {
            Matcher m = SVGR_OUT.matcher(script.asText());
            if (m.find()) {
                folders.add(m.group(1).replaceFirst("^\\./", "").replaceAll("/+$", "") + "/**");
            }
        }));
        return cap(folders);
    }

    /** test, lint and typecheck, as the repository runs them: its own scripts first, then its build tool's. */
    private Map<String, String> commands(String manager, Optional<JsonNode> rootPackage, Set<String> files,
                                         Optional<String> monorepo) {
        Map<String, String> commands = new LinkedHashMap<>();
        JsonNode scripts = rootPackage.map(p -> p.path("scripts")).orElse(json.createObjectNode());
        String run = switch (manager) {
            case "pnpm" -> "pnpm run ";
            case "yarn" -> "yarn run ";
            case "bun" -> "bun run ";
            default -> "npm run ";
        };
        if (scripts.has("test") && !scripts.path("test").asText().contains("no test specified")) {
            commands.put("test", run + "test");
        } else if (monorepo.isPresent() && rootPackage.isPresent()) {
            commands.put("test", run.replace(" run ", " exec ") + (monorepo.get().equals("nx")
                    ? "nx run-many -t test" : "turbo run test"));
        }
        for (String key : List.of("lint")) {
            if (scripts.has(key)) {
                commands.put(key, run + key);
            }
        }
        for (String key : List.of("typecheck", "type-check", "check-types", "tsc", "types")) {
            if (scripts.has(key)) {
                commands.put("typecheck", run + key);
                break;
            }
        }
        if (rootPackage.isPresent()) {
            return commands;
        }
        switch (manager) {
            case "maven" -> commands.put("test", (files.contains("mvnw") ? "./mvnw" : "mvn") + " -B -o verify");
            case "gradle" -> commands.put("test", (files.contains("gradlew") ? "./gradlew" : "gradle") + " --offline test");
            case "python" -> commands.put("test", "python -m pytest -q");
            default -> {
            }
        }
        return commands;
    }

    private String text(String relative) {
        Path file = root.resolve(relative);
        try {
            if (Files.size(file) > MAX_MANIFEST_BYTES) {
                throw KleiberException.badInput(relative + ": too large to read as a manifest (over "
                        + MAX_MANIFEST_BYTES + " bytes)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw KleiberException.badInput(relative + ": cannot be read: " + e.getMessage());
        }
    }

    private static String parent(String file) {
        return file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
    }

    private static List<String> cap(java.util.Collection<String> folders) {
        return folders.stream().limit(MAX_FOLDERS).toList();
    }
}
