package dev.kleiber.web;

import dev.kleiber.conductor.RunEventJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard listens for each event kind by name (a browser EventSource delivers a named event only to a listener
 * for that name), so every typed run event the server streams must be in its list: a new RunEvent record fails here
 * until web/src/lib/eventStream.ts names it.
 */
class DashboardEventKindsTest {
    @Test
    void theDashboardListensForEveryRunEventKind() throws IOException {
        String listened = Files.readString(Path.of("web", "src", "lib", "eventStream.ts"));
        assertThat(RunEventJson.kinds()).isNotEmpty()
                .allSatisfy(kind -> assertThat(listened).as("web/src/lib/eventStream.ts lists '%s'", kind).contains("'" + kind + "'"));
    }
}
