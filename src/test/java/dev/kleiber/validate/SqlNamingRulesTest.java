package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqlNamingRulesTest {
    private static final String FILE = "src/db/migrations/001.sql";

    private static List<String> findings(String sql) {
        return SqlNamingRules.check(FILE, sql).stream().map(Finding::render).toList();
    }

    @Test
    void tableMustBeSnakeCasePlural() {
        assertThat(findings("-- users\n\nCREATE TABLE UserAccount (id serial);\n")).containsExactly(
                "src/db/migrations/001.sql:3: [sql-table] table 'UserAccount' must be snake_case plural (e.g. user_accounts)");
        assertThat(findings("create table if not exists \"user_account\" (id int);")).containsExactly(
                FILE + ":1: [sql-table] table 'user_account' must be snake_case plural (e.g. user_accounts)");
        assertThat(findings("CREATE TEMPORARY TABLE public.Category (id int);")).containsExactly(
                FILE + ":1: [sql-table] table 'Category' must be snake_case plural (e.g. categories)");
    }

    @Test
    void wellNamedTablesPass() {
        assertThat(findings("""
                CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
                CREATE TABLE IF NOT EXISTS "people" ("id" serial PRIMARY KEY NOT NULL, "full_name" varchar(255));
                CREATE UNLOGGED TABLE public.user_settings (user_id int REFERENCES users (id) ON DELETE CASCADE);
                CREATE TABLE news (id int, published_at timestamptz DEFAULT now());
                CREATE TABLE media (id int, data jsonb);
                CREATE TABLE order_statuses (id int);
                CREATE TABLE addresses (id int, line_1 text, CONSTRAINT pk_addresses PRIMARY KEY (id),
                  UNIQUE (line_1), CHECK (id > 0), FOREIGN KEY (id) REFERENCES users (id));
                """)).isEmpty();
    }

    @Test
    void columnsMustBeSnakeCase() {
        assertThat(findings("""
                CREATE TABLE users (
                  id serial PRIMARY KEY,
                  "createdAt" timestamp NOT NULL DEFAULT now(),
                  FirstName varchar(100),
                  price numeric(10, 2),
                  CONSTRAINT users_pk PRIMARY KEY (id)
                );
                """)).containsExactly(
                FILE + ":3: [sql-column] column 'createdAt' must be snake_case (e.g. created_at)",
                FILE + ":4: [sql-column] column 'FirstName' must be snake_case (e.g. first_name)");
    }

    @Test
    void alterTableAddAndRename() {
        assertThat(findings("""
                ALTER TABLE users ADD COLUMN lastLogin timestamp;
                ALTER TABLE IF EXISTS ONLY users ADD IF NOT EXISTS "kycStatus" text, ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b(id);
                ALTER TABLE users RENAME COLUMN a TO "fullName";
                ALTER TABLE users RENAME TO UserAccounts;
                ALTER TABLE users ADD COLUMN kyc_status text, RENAME CONSTRAINT a TO B;
                """)).containsExactly(
                FILE + ":1: [sql-column] column 'lastLogin' must be snake_case (e.g. last_login)",
                FILE + ":2: [sql-column] column 'kycStatus' must be snake_case (e.g. kyc_status)",
                FILE + ":3: [sql-column] column 'fullName' must be snake_case (e.g. full_name)",
                FILE + ":4: [sql-table] table 'UserAccounts' must be snake_case plural (e.g. user_accounts)");
    }

    @Test
    void indexNamesFollowTableAndColumns() {
        assertThat(findings("""
                CREATE INDEX users_email_idx ON users (email);
                CREATE UNIQUE INDEX IF NOT EXISTS "idx_users_email" ON "users" USING btree ("email");
                CREATE INDEX CONCURRENTLY idx_orders_user_id_created_at ON public.orders (user_id, created_at DESC);
                CREATE INDEX idx_orders_created_at ON orders (user_id, created_at);
                CREATE INDEX ON users (email);
                CREATE INDEX idx_users_lower_email ON users (lower(email));
                CREATE INDEX email_lower ON users ((lower(email)));
                """)).containsExactly(
                FILE + ":1: [sql-index] index 'users_email_idx' must be named idx_{table}_{columns} (e.g. idx_users_email)",
                FILE + ":4: [sql-index] index 'idx_orders_created_at' must be named idx_{table}_{columns} "
                        + "(e.g. idx_orders_user_id_created_at)",
                FILE + ":5: [sql-index] index on 'users' has no name: name it idx_{table}_{columns} (e.g. idx_users_email)",
                FILE + ":7: [sql-index] index 'email_lower' must be named idx_{table}_{columns} (e.g. idx_users_email)");
    }

    @Test
    void commentsStringsAndFunctionBodiesAreSkipped() {
        assertThat(findings("""
                -- CREATE TABLE Bad (x int);
                /* CREATE TABLE Worse (Y int); */
                INSERT INTO users (email) VALUES ('CREATE TABLE Nope (a int);');
                DO $$ BEGIN
                  CREATE TABLE Inside (X int);
                EXCEPTION WHEN duplicate_object THEN null;
                END $$;
                CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN CREATE INDEX bad ON t (x); END $body$ LANGUAGE plpgsql;
                --> statement-breakpoint
                CREATE TABLE posts (id int, title text DEFAULT 'it''s; CREATE TABLE X (Y int)');
                """)).isEmpty();
    }

    @Test
    void linesAreCountedInTheOriginalFile() {
        String sql = "/* header\n spanning\n lines */\nCREATE TABLE users (\n  id int,\n  -- note\n  UserName text\n);\n";
        assertThat(findings(sql)).containsExactly(FILE + ":7: [sql-column] column 'UserName' must be snake_case (e.g. user_name)");
    }

    @Test
    void otherStatementsAreNotJudged() {
        assertThat(findings("""
                CREATE VIEW ActiveUsers AS SELECT * FROM users;
                CREATE SEQUENCE UserSeq;
                SELECT FirstName FROM Users;
                UPDATE Users SET FirstName = 'x';
                CREATE TABLE
                """)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/db/migrations/001_init.sql", "migrations/001.sql", "db/migrations/V1__init.sql",
            "drizzle/0000_cool_name.sql", "supabase/migrations/20240101_init.sql", "src/db/schema.sql",
            "prisma/migrations/20240101/migration.sql"})
    void migrationFiles(String path) {
        assertThat(SqlNamingRules.isMigration(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"queries/report.sql", "src/db/migrations/001.ts", "scripts/seed.sql", "docs/migrations.md"})
    void notMigrationFiles(String path) {
        assertThat(SqlNamingRules.isMigration(path)).isFalse();
    }
}
