package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules on shapes real repositories have: Prisma migrations, ClickHouse, TypeScript return types, types folders. */
class BrownfieldRulesTest {
    @TempDir
    Path root;

    private static List<String> functions(String source) {
        return FunctionNamingRules.check("src/api/articles.ts", source).stream().map(Finding::render).toList();
    }

    private static List<String> sql(String source) {
        return sql("db/migrations/001.sql", source);
    }

    private static List<String> sql(String path, String source) {
        return SqlNamingRules.check(path, source).stream().map(Finding::render).toList();
    }

    @Test
    void aFetcherWithAnObjectLiteralReturnTypeIsJudgedByItsBody() {
        assertThat(functions("""
                export async function getTags(): Promise<{ tags: string[] }> {
                  const response = await fetch('/api/tags');
                  return response.json();
                }
                export const loadFeed = async (page: number): Promise<{ articles: Article[]; count: number }> => {
                  return (await axios.get('/api/feed')).data;
                };
                export function getCount(): { count: number } | null {
                  return null;
                }
                """)).containsExactly(
                "src/api/articles.ts:1: [fn-fetcher] function 'getTags' fetches over HTTP: name it fetch{Resource} (e.g. fetchTags)",
                "src/api/articles.ts:5: [fn-fetcher] function 'loadFeed' fetches over HTTP: name it fetch{Resource} (e.g. fetchFeed)");
    }

    @Test
    void aMereMentionOfAxiosIsNotAFetch() {
        assertThat(functions("""
                import axios, { AxiosInstance } from 'axios';
                export function getClient(): AxiosInstance { return axiosClient; }
                export function getConfig(axiosConfig: object) { return { ...axiosConfig }; }
                """)).isEmpty();
    }

    @Test
    void onEventFunctionsAreHandlersButFrameworkEntryPointsAreNot() {
        assertThat(functions("""
                const onSubmit = (event) => { event.preventDefault(); };
                function onClickLike() {}
                export async function onRequest(context) { return new Response('ok'); }
                """)).containsExactly(
                "src/api/articles.ts:1: [fn-handler] handler 'onSubmit' must be named handle{Event} (e.g. handleSubmit)",
                "src/api/articles.ts:2: [fn-handler] handler 'onClickLike' must be named handle{Event} (e.g. handleClickLike)");
    }

    @Test
    void aTypesFolderFileThatDeclaresOnlyTypesIsATypesFile() {
        assertThat(FileNamingRules.check("src/types/article.ts", () -> "export interface Article { slug: string }\n"))
                .extracting(Finding::render).containsExactly("src/types/article.ts: [file-types] types file 'article.ts' "
                        + "in a types folder must be named article.types.ts");
        assertThat(FileNamingRules.check("src/types/index.ts", () -> "export type A = string;\n")).isEmpty();
        assertThat(FileNamingRules.check("src/types/article.ts", () -> "export type A = string;\nexport const a = 1;\n"))
                .isEmpty();
    }

    @Test
    void prismasOwnNamesAreNotJudged() {
        assertThat(sql("prisma/migrations/20240101_init/migration.sql", """
                CREATE TABLE "_UserFavorites" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
                CREATE UNIQUE INDEX "_UserFavorites_AB_unique" ON "_UserFavorites"("A", "B");
                CREATE INDEX "_UserFavorites_B_index" ON "_UserFavorites"("B");
                CREATE TABLE users (id int, email text, author_id int);
                CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
                CREATE INDEX "users_author_id_idx" ON "users"("author_id");
                CREATE INDEX "by_email" ON "users"("email");
                """)).containsExactly("prisma/migrations/20240101_init/migration.sql:7: [sql-index] index 'by_email' "
                + "must be named idx_{table}_{columns} (e.g. idx_users_email)");
        // elsewhere a name like Prisma's is a person's choice, judged as such
        assertThat(sql("CREATE INDEX \"users_email_idx\" ON users(email);")).hasSize(1);
    }

    @Test
    void clickHouseProjectionsAreNotColumns() {
        assertThat(sql("""
                ALTER TABLE events ADD PROJECTION by_user (SELECT * ORDER BY userId);
                ALTER TABLE events ADD INDEX idx_events_name name TYPE bloom_filter;
                ALTER TABLE events ADD COLUMN pageUrl String;
                """)).containsExactly("db/migrations/001.sql:3: [sql-column] column 'pageUrl' must be snake_case (e.g. page_url)");
    }

    @Test
    void namesALaterMigrationRenamesAreJudgedByTheirFinalName() throws IOException {
        write("db/migrations/001_init.sql", """
                CREATE TABLE "Article" (id int, "authorId" int);
                CREATE INDEX "Article_authorId" ON "Article"("authorId");
                CREATE TABLE "Comment" (id int);
                """);
        write("db/migrations/002_rename.sql", """
                ALTER TABLE "Article" RENAME TO articles;
                ALTER TABLE articles RENAME COLUMN "authorId" TO author_id;
                ALTER INDEX "Article_authorId" RENAME TO idx_articles_author_id;
                RENAME TABLE "Comment" TO CommentRows;
                """);
        Linter.Result result = new Linter(root, Optional.empty()).lint(List.of(root), List.of(), EnumSet.of(Linter.Scope.NAMING));
        assertThat(result.findings()).extracting(Finding::render).containsExactly(
                "db/migrations/002_rename.sql:4: [sql-table] table 'CommentRows' must be snake_case plural (e.g. comment_rows)");
    }

    /**
     * ClickHouse migrations as a real product writes them (umami): a table rebuilt as {@code x_new}, the old one
     * renamed aside to {@code x_old}, the new one renamed to {@code x}; an {@code INSERT ... SELECT} left without its
     * {@code ;} before the renames; and a later migration that rebuilds {@code x} again. Each name is judged once, by
     * the name it ends with, where it gets it.
     */
    @Test
    void clickHouseRebuildsAreJudgedByTheNamesTheyEndWith() throws IOException {
        write("db/clickhouse/migrations/02_add_visit_id.sql", """
                CREATE TABLE umami.website_event_new
                (
                    session_id UUID
                )
                ENGINE = MergeTree;

                INSERT INTO umami.website_event_new
                SELECT session_id
                FROM umami.website_event we

                RENAME TABLE umami.website_event TO umami.website_event_old;
                RENAME TABLE umami.website_event_new TO umami.website_event;
                """);
        write("db/clickhouse/migrations/05_add_utm.sql", """
                CREATE TABLE umami.website_event_new (session_id UUID) ENGINE = MergeTree;
                RENAME TABLE umami.website_event TO umami.website_event_old;
                RENAME TABLE umami.website_event_new TO umami.website_event;
                CREATE TABLE umami.session_replays (replay_id UUID) ENGINE = MergeTree;
                """);
        Linter.Result result = new Linter(root, Optional.empty()).lint(List.of(root), List.of(), EnumSet.of(Linter.Scope.NAMING));
        assertThat(result.findings()).extracting(Finding::render).containsExactly(
                "db/clickhouse/migrations/05_add_utm.sql:3: [sql-table] table 'website_event' must be snake_case plural (e.g. website_events)");
    }

    @Test
    void aRouteEndingInAParameterDoesNotMatchAcrossASlash() {
        Endpoint one = new Endpoint("GET", "/users/:id", "src/backend/users.ts", 1);
        assertThat(EndpointGate.covered(one, List.of("request(app).get(`/users/${user.id}/orders`)"))).isFalse();
        assertThat(EndpointGate.covered(one, List.of("request(app).get(`/users/${user.id}`)"))).isTrue();
        assertThat(EndpointGate.covered(one, List.of("request(app).get('/users/' + id)"))).isTrue();
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
