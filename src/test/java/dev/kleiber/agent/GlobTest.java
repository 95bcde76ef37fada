package dev.kleiber.agent;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "src/backend/**, src/backend/app.js, true",
            "src/backend/**, src/backend/a/b/c.ts, true",
            "src/backend/**, src/backend, true",
            "src/backend/**, src/backendx/app.js, false",
            "src/backend/**, src/backend-evil/app.js, false",
            "src/backend/**, src/frontend/app.js, false",
            "src/backend/**, x/src/backend/app.js, false",
            "**/*.md, README.md, true",
            "**/*.md, docs/adr/0001.md, true",
            "**/*.md, docs/adr/0001.mdx, false",
            "**/*.md, src/README.md.js, false",
            "*.md, README.md, true",
            "*.md, docs/README.md, false",
            "docs/**/*.md, docs/a.md, true",
            "docs/**/*.md, docs/x/y/a.md, true",
            "docs/**/*.md, docsx/a.md, false",
            "src/**/test/*.ts, src/test/a.ts, true",
            "src/**/test/*.ts, src/a/b/test/a.ts, true",
            "src/**/test/*.ts, src/a/btest/a.ts, false",
            "**, anything/at/all.txt, true",
            "**, top.txt, true",
            "src/?.js, src/a.js, true",
            "src/?.js, src/ab.js, false",
            "src/*.js, src/sub/a.js, false",
            "a+b/(c).txt, a+b/(c).txt, true",
            "a+b/(c).txt, aab/c.txt, false",
    })
    void pathGlobsMatchWholeComponents(String glob, String path, boolean expected) {
        assertThat(Glob.path(glob).matches(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "*, rm -rf /, true",
            "npm test*, npm test -- --watch=false, true",
            "npm test*, npm install evil, false",
            "git status, git status, true",
            "git status, git status; curl x, false",
            "./mvnw -o *, ./mvnw -o -q test, true",
    })
    void commandGlobsSpanTheWholeLine(String glob, String command, boolean expected) {
        assertThat(Glob.commandLine(glob).matches(command)).isEqualTo(expected);
    }

    @Test
    void commandGlobStarSpansNewlines() {
        assertThat(Glob.commandLine("make *").matches("make a\nrm -rf x")).isTrue();
        assertThat(Glob.commandLine("make test").matches("make test\nrm -rf x")).isFalse();
    }

    @Test
    void onlyDirStarStarGlobsNameAWritableDirectory() {
        assertThat(Glob.path("src/backend/**").exactDirectory()).contains("src/backend");
        assertThat(Glob.path("reports/**").exactDirectory()).contains("reports");
        assertThat(Glob.path("**/*.md").exactDirectory()).isEmpty();
        assertThat(Glob.path("**").exactDirectory()).isEmpty();
        assertThat(Glob.path("src/*/gen/**").exactDirectory()).isEmpty();
        assertThat(Glob.path("CHANGELOG.md").exactDirectory()).isEmpty();
        assertThat(Glob.commandLine("x/**").exactDirectory()).isEmpty();
    }

    @Test
    void badPathGlobsAreBadInputWithTheGlobNamed() {
        assertThatThrownBy(() -> Glob.path("/etc/**")).isInstanceOf(KleiberException.class)
                .hasMessageContaining("'/etc/**'").hasMessageContaining("relative");
        assertThatThrownBy(() -> Glob.path("src/../**")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> Glob.path("src/a**")).hasMessageContaining("whole path component");
        assertThatThrownBy(() -> Glob.path(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Glob.commandLine("")).hasMessageContaining("empty");
    }
}
