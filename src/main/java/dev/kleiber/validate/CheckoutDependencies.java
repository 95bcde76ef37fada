package dev.kleiber.validate;

import dev.kleiber.KleiberException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes the dependencies a person installed in their checkout available to a fresh worktree without a network:
 * each {@code node_modules} folder of the checkout (the root's and the workspace packages', two levels deep) gets
 * a real folder in the worktree whose entries are links to the checkout's, which the sandbox binds read-only. The
 * caches tools write there ({@code node_modules/.vite}, {@code .cache}) are real folders of the worktree instead,
 * writable like the other {@link #CACHES} (Nx, Turborepo, Next.js), so nothing a command writes reaches the checkout.
 *
 * @param readOnly the checkout folders the sandbox must bind read-only for the links to resolve
 * @param writable the worktree folders (globs {@code dir/**}) commands may write besides the build outputs
 */
public record CheckoutDependencies(List<String> readOnly, List<String> writable) {
    /** Caches of the usual JavaScript tools, relative to a package folder. */
    static final List<String> CACHES = List.of("node_modules/.vite", "node_modules/.vite-temp", "node_modules/.cache",
            ".nx", ".turbo", ".next/cache", ".svelte-kit", ".angular/cache");
    private static final Set<String> NOT_LINKED = Set.of(".vite", ".vite-temp", ".cache");
    private static final int MAX_ENTRIES = 20_000;

    public CheckoutDependencies {
        readOnly = List.copyOf(readOnly);
        writable = List.copyOf(writable);
    }

    /** Links the checkout's {@code node_modules} into {@code worktree}; returns what the sandbox must allow. */
    public static CheckoutDependencies link(Path checkout, Path worktree) {
        List<String> readOnly = new ArrayList<>();
        List<String> writable = new ArrayList<>();
        for (String pkg : packageFolders(checkout, worktree)) {
            Path source = checkout.resolve(pkg).resolve("node_modules");
            Path target = worktree.resolve(pkg).resolve("node_modules");
            if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                mirror(source, target);
                readOnly.add(source.toAbsolutePath().normalize().toString());
            }
            for (String cache : CACHES) {
                writable.add((pkg.isEmpty() ? "" : pkg + "/") + cache + "/**");
            }
        }
        return new CheckoutDependencies(readOnly, writable);
    }

    /** The root and the folders one or two levels down that hold a package.json in the worktree. */
    private static List<String> packageFolders(Path checkout, Path worktree) {
        List<String> folders = new ArrayList<>(List.of(""));
        try (Stream<Path> manifests = Files.find(worktree, 3, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().equals("package.json") && !p.toString().contains("/node_modules/")
                && !worktree.relativize(p).toString().startsWith("."))) {
            manifests.map(p -> worktree.relativize(p.getParent()).toString().replace(java.io.File.separatorChar, '/'))
                    .filter(f -> !f.isEmpty()).sorted().forEach(folders::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw KleiberException.failed("cannot list the packages of " + worktree + ": " + e.getMessage());
        }
        return folders.stream().filter(f -> f.isEmpty() || Files.isDirectory(checkout.resolve(f))).toList();
    }

    private static void mirror(Path source, Path target) {
        try (Stream<Path> entries = Files.list(source)) {
            Files.createDirectories(target);
            for (Path entry : entries.limit(MAX_ENTRIES).toList()) {
                String name = entry.getFileName().toString();
                if (!NOT_LINKED.contains(name)) {
                    Files.createSymbolicLink(target.resolve(name), entry.toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            throw KleiberException.failed("cannot link " + source + " into " + target + ": " + e.getMessage());
        }
    }
}
