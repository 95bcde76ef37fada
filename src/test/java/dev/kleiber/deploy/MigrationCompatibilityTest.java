package dev.kleiber.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blue-green runs two versions of the server on one store during a switch, and a rollback runs the old one on a
 * store the new one migrated. So a migration may only expand the schema: add tables, indexes, nullable or
 * defaulted columns. Dropping, renaming, retyping or tightening waits for a later release, once no running
 * version reads the old shape (docs/decisions/0090). This test keeps that promise checked for every migration.
 */
class MigrationCompatibilityTest {

    private static final Path MIGRATIONS = Path.of("src/main/resources/dev/kleiber/store/migration");

    private static final Pattern DESTRUCTIVE = Pattern.compile(
            "\\b(DROP\\s+(TABLE|COLUMN|INDEX|VIEW|TRIGGER)"
                    + "|RENAME\\s+(TO|COLUMN)"
                    + "|ALTER\\s+COLUMN\\s+\\w+\\s+(TYPE|SET\\s+NOT\\s+NULL)"
                    + "|TRUNCATE"
                    + "|DELETE\\s+FROM)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern ADD_NOT_NULL_WITHOUT_DEFAULT = Pattern.compile(
            "ADD\\s+COLUMN\\s+[^,;]*?NOT\\s+NULL(?![^,;]*DEFAULT)", Pattern.CASE_INSENSITIVE);

    @Test
    void everyMigrationOnlyExpandsTheSchema() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(MIGRATIONS)) {
            files = walk.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).as("migrations found").hasSizeGreaterThan(4);
        for (Path file : files) {
            String sql = withoutComments(Files.readString(file));
            String name = MIGRATIONS.relativize(file).toString();
            Matcher destructive = DESTRUCTIVE.matcher(sql);
            while (destructive.find()) {
                problems.add(name + ": '" + destructive.group() + "' breaks the version still running");
            }
            Matcher notNull = ADD_NOT_NULL_WITHOUT_DEFAULT.matcher(sql);
            while (notNull.find()) {
                problems.add(name + ": a NOT NULL column without a DEFAULT breaks the older version's inserts");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCheckSeesWhatItIsMeantToRefuse() {
        for (String sql : List.of("ALTER TABLE tasks DROP COLUMN lease", "ALTER TABLE runs RENAME TO old_runs",
                "alter table t alter column c type bigint", "ALTER TABLE t ADD COLUMN c TEXT NOT NULL;")) {
            assertThat(DESTRUCTIVE.matcher(sql).find() || ADD_NOT_NULL_WITHOUT_DEFAULT.matcher(sql).find())
                    .as(sql).isTrue();
        }
        for (String sql : List.of("CREATE TABLE t (a TEXT NOT NULL)", "ALTER TABLE t ADD COLUMN c TEXT",
                "ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 0;",
                "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT 1; END;")) {
            assertThat(DESTRUCTIVE.matcher(sql).find() || ADD_NOT_NULL_WITHOUT_DEFAULT.matcher(sql).find())
                    .as(sql).isFalse();
        }
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("--[^\\n]*", "").replaceAll("(?s)/\\*.*?\\*/", "");
    }
}
