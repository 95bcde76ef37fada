package dev.kleiber.agent;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Path;
import java.util.List;

/** The path glob agrees with component-wise path logic on generated paths. */
class GlobProperties {

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> component = Arbitraries.of("src", "backend", "backend-evil", "frontend", "docs", "a.md",
                "b.mdx", "x.js", ".md", "md", "tests");
        return component.list().ofMinSize(1).ofMaxSize(5).map(parts -> String.join("/", parts));
    }

    @Provide
    Arbitrary<String> dirs() {
        return Arbitraries.of("src", "src/backend", "docs", "tests/backend");
    }

    @Property(tries = 300)
    void dirStarStarMatchesExactlyThePathsUnderTheDirectory(@ForAll("dirs") String dir, @ForAll("paths") String path) {
        boolean expected = Path.of(path).startsWith(Path.of(dir));
        if (Glob.path(dir + "/**").matches(path) != expected) {
            throw new AssertionError(dir + "/** vs " + path + ": expected " + expected);
        }
    }

    @Property(tries = 300)
    void starStarSlashStarExtMatchesFileNamesAtAnyDepth(@ForAll("paths") String path) {
        String name = Path.of(path).getFileName().toString();
        boolean expected = name.endsWith(".md");
        if (Glob.path("**/*.md").matches(path) != expected) {
            throw new AssertionError("**/*.md vs " + path + ": expected " + expected);
        }
    }

    @Property(tries = 300)
    void aMiddleStarStarSpansZeroOrMoreWholeComponents(@ForAll("paths") String path) {
        List<String> parts = List.of(path.split("/"));
        boolean expected = parts.size() >= 2 && parts.getFirst().equals("src") && parts.getLast().equals("x.js");
        if (Glob.path("src/**/x.js").matches(path) != expected) {
            throw new AssertionError("src/**/x.js vs " + path + ": expected " + expected);
        }
    }
}
