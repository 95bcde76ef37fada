package dev.kleiber.store;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreUrlTest {
    final Path root = Path.of("/repo");

    @Test
    void sqliteIsTheRepositorysStateFile() {
        assertThat(StoreUrl.parse("sqlite", root, "--store"))
                .isEqualTo(new StoreUrl.Sqlite(Path.of("/repo/.kleiber/state.db")));
        assertThat(StoreUrl.parse("sqlite:data/x.db", root, "--store"))
                .isEqualTo(new StoreUrl.Sqlite(Path.of("/repo/data/x.db")));
    }

    @Test
    void postgresqlUrlsKeepTheirPasswordOutOfText() {
        StoreUrl url = StoreUrl.parse("postgresql://kleiber:s%40cret@db.local:6543/state", root, "--store");
        assertThat(url).isEqualTo(new StoreUrl.Postgresql("db.local", 6543, "state", Optional.of("kleiber"),
                Optional.of("s@cret")));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/state");
        assertThat(url.toString()).doesNotContain("s@cret").contains("kleiber:***@");
        assertThat(StoreUrl.parse("postgresql://h/db", root, "x")).extracting(u -> ((StoreUrl.Postgresql) u).port())
                .isEqualTo(5432);
    }

    @Test
    void anythingElseIsBadInputWithoutEchoingAPassword() {
        assertThatThrownBy(() -> StoreUrl.parse("mysql://u:hunter2@h/db", root, "kleiber.yaml 'store'"))
                .isInstanceOf(KleiberException.class)
                .hasMessageContaining("kleiber.yaml 'store'")
                .hasMessageContaining("postgresql://user:pass@host:port/db")
                .hasMessageNotContaining("hunter2")
                .extracting(e -> ((KleiberException) e).exitCode()).isEqualTo(2);
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://u:p@host", root, "--store"))
                .hasMessageContaining("needs a host and a database");
    }
}
