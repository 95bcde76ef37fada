package dev.kleiber;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Layout table stays true: every main package has a row and a {@code package-info.java} saying in a
 * sentence what it is for, and every row names a package that exists.
 */
class LayoutTableTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern ROW = Pattern.compile("^\\| `(dev\\.kleiber[a-z.]*)` \\|", Pattern.MULTILINE);

    @Test
    void everyPackageHasARowAndAPurposeAndEveryRowAPackage() throws IOException {
        List<String> packages = packages();
        String readme = Files.readString(Path.of("README.md"));
        String layout = readme.substring(readme.indexOf("\n## Layout\n"));
        Matcher rows = ROW.matcher(layout);
        List<String> named = rows.results().map(r -> r.group(1)).toList();

        assertThat(named).containsExactlyInAnyOrderElementsOf(packages);
        for (String pkg : packages) {
            Path info = SOURCES.resolve(pkg.replace('.', '/')).resolve("package-info.java");
            assertThat(info).as(pkg + " says what it is for").exists();
            assertThat(Files.readString(info)).as(info.toString()).containsPattern("(?s)/\\*\\*\\s*\\S.*?\\.\\s.*\\*/");
        }
    }

    private static List<String> packages() throws IOException {
        try (Stream<Path> folders = Files.walk(SOURCES.resolve("dev/kleiber"))) {
            return folders.filter(Files::isDirectory).filter(LayoutTableTest::holdsJava)
                    .map(f -> SOURCES.relativize(f).toString().replace('/', '.')).sorted().toList();
        }
    }

    private static boolean holdsJava(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
