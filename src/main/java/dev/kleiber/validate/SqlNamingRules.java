package dev.kleiber.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The blueprint's database names, checked in migration SQL: {@code CREATE TABLE} names are snake_case
 * plural ({@code sql-table}), their columns and those added by {@code ALTER TABLE ... ADD [COLUMN]} or
 * {@code RENAME [COLUMN] ... TO} are snake_case ({@code sql-column}), and {@code CREATE INDEX} names are
 * {@code idx_{table}_{columns}} ({@code sql-index}): exactly that for plain columns, the prefix
 * {@code idx_{table}_} for expression indexes. Comments, string literals and dollar-quoted bodies are
 * skipped; quoted identifiers ({@code "x"}, {@code `x`}, {@code [x]}) are judged as written, and a
 * schema prefix ({@code public.users}) is not part of the name. Names Prisma chooses itself (its join tables
 * {@code _UserFavorites} with columns {@code A} and {@code B}, its default index names) are not judged; a name a
 * later migration renames ({@code ALTER INDEX ... RENAME TO}, {@code RENAME TABLE}, {@code RENAME COLUMN}) is judged
 * by its final name, at the rename; ClickHouse's {@code ADD PROJECTION} and {@code ADD INDEX} are not columns.
 */
final class SqlNamingRules {
    private static final Set<String> TABLE_CONSTRAINTS = Set.of("constraint", "primary", "foreign", "unique",
            "check", "exclude", "like", "index", "key", "fulltext", "spatial", "period", "projection", "statistics");
    /** Prisma's implicit many-to-many tables ({@code _UserFavorites}, {@code _CategoryToPost}), columns A and B. */
    private static final java.util.regex.Pattern PRISMA_JOIN_TABLE = java.util.regex.Pattern.compile("_[A-Z][A-Za-z0-9]*");

    private static final Set<String> STATEMENT_KEYWORDS = Set.of("create", "alter", "rename", "drop", "insert");
    private static final java.util.regex.Pattern BLANK_LINE = java.util.regex.Pattern.compile("\n[ \t\r]*\n");
    private static final Set<String> EXPRESSION_WORDS = Set.of("asc", "desc", "nulls", "first", "last", "collate",
            "and", "or", "not", "is", "null", "true", "false", "as", "text", "varchar", "integer", "int", "bigint");

    private SqlNamingRules() {
    }

    /** Whether {@code path} (relative, {@code /}-separated) holds migration SQL. */
    static boolean isMigration(String path) {
        if (!path.toLowerCase(Locale.ROOT).endsWith(".sql")) {
            return false;
        }
        String wrapped = "/" + path + "/";
        return path.startsWith("src/db/") || wrapped.contains("/migrations/") || wrapped.contains("/migration/")
                || wrapped.contains("/drizzle/");
    }

    static List<Finding> check(String path, String source) {
        return check(path, source, Set.of());
    }

    /**
     * @param renamedLater names (lower case) of tables, columns and indexes a migration renames: a name that was
     *                     renamed is judged by its final name, at the rename, not where it was first written
     */
    static List<Finding> check(String path, String source, Set<String> renamedLater) {
        SourceText text = SourceText.sql(source);
        List<Statement> statements = statements(text);
        // what a statement of this file renames counts for the statements before it only, in the order tools apply them
        List<Set<String>> renamedAfter = new ArrayList<>();
        Set<String> after = new java.util.HashSet<>(renamedLater);
        List<Statement> again = statements(text);
        for (int i = again.size() - 1; i >= 0; i--) {
            renamedAfter.add(0, Set.copyOf(after));
            after.addAll(renamedBy(again.get(i)));
        }
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            statement(statements.get(i), path, text, findings, renamedAfter.get(i));
        }
        return findings;
    }

    /** The names a migration renames away from, lower case: {@code ALTER INDEX a RENAME TO b}, {@code RENAME TABLE a TO b}, ... */
    static Set<String> renamedNames(String source) {
        Set<String> names = new java.util.HashSet<>();
        for (Statement s : statements(SourceText.sql(source))) {
            names.addAll(renamedBy(s));
        }
        return names;
    }

    private static Set<String> renamedBy(Statement s) {
        Set<String> names = new java.util.HashSet<>();
        if (s.keyword("rename") && s.keyword("table")) {
            s.qualifiedName().ifPresent(t -> names.add(t.name().toLowerCase(Locale.ROOT)));
        } else if (s.keyword("alter") && (s.keyword("index") || s.keyword("table"))) {
            s.keyword("if");
            s.keyword("exists");
            s.keyword("only");
            Optional<Token> name = s.qualifiedName();
            while (name.isPresent() && s.hasNext()) {
                if (s.keyword("rename")) {
                    if (s.keyword("to")) {
                        names.add(name.get().name().toLowerCase(Locale.ROOT));
                    } else if (!s.keyword("constraint")) {
                        s.keyword("column");
                        s.peek().filter(Token::identifier).ifPresent(c -> names.add(c.name().toLowerCase(Locale.ROOT)));
                    }
                }
                s.skipPastTopLevelComma();
            }
        }
        return names;
    }

    /**
     * The statements of a script: split at each {@code ;}, and before a statement keyword that opens a line after a
     * blank line — a migration run by a tool that splits at blank lines may leave a statement unterminated, which
     * would otherwise swallow the next one (a {@code RENAME TABLE} after an {@code INSERT ... SELECT}).
     */
    private static List<Statement> statements(SourceText text) {
        List<Token> tokens = tokens(text.text());
        List<Statement> statements = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            boolean end = i == tokens.size() || tokens.get(i).is(";");
            if (end || i > start && opensStatement(text.text(), tokens.get(i - 1), tokens.get(i))) {
                if (i > start) {
                    statements.add(new Statement(tokens.subList(start, i)));
                }
                start = end ? i + 1 : i;
            }
        }
        return statements;
    }

    private static boolean opensStatement(String sql, Token previous, Token token) {
        return STATEMENT_KEYWORDS.contains(token.text().toLowerCase(Locale.ROOT))
                && BLANK_LINE.matcher(sql.substring(previous.offset() + previous.text().length(), token.offset())).find()
                && (token.offset() == 0 || sql.charAt(token.offset() - 1) == '\n');
    }

    private static void statement(Statement s, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        if (!s.keyword("create")) {
            if (s.keyword("alter")) {
                if (s.keyword("table")) {
                    alterTable(s, path, text, findings, renamed);
                } else if (s.keyword("index")) {
                    alterIndex(s, path, text, findings, renamed);
                }
            } else if (s.keyword("rename") && s.keyword("table")) {
                Optional<Token> from = s.qualifiedName();
                if (s.keyword("to")) {
                    // a copy kept aside under the old name plus a suffix (website_event_old) is judged as the old name
                    s.qualifiedName().filter(to -> from.isEmpty() || !to.name().toLowerCase(Locale.ROOT)
                                    .startsWith(from.get().name().toLowerCase(Locale.ROOT) + "_"))
                            .ifPresent(t -> checkTable(t, path, text, findings, renamed));
                }
            }
            return;
        }
        s.keyword("or");
        s.keyword("replace");
        if (!s.keyword("global")) {
            s.keyword("local");
        }
        if (!s.keyword("temporary") && !s.keyword("temp")) {
            s.keyword("unlogged");
        }
        if (s.keyword("table")) {
            createTable(s, path, text, findings, renamed);
        } else {
            s.keyword("unique");
            if (s.keyword("index")) {
                createIndex(s, path, text, findings, renamed);
            }
        }
    }

    private static void createTable(Statement s, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        s.ifNotExists();
        Optional<Token> table = s.qualifiedName();
        if (table.isEmpty()) {
            return;
        }
        checkTable(table.get(), path, text, findings, renamed);
        if (s.peekIs("(")) {
            for (List<Token> element : s.parenthesised()) {
                Token first = element.get(0);
                boolean joinColumn = PRISMA_JOIN_TABLE.matcher(table.get().name()).matches()
                        && (first.name().equals("A") || first.name().equals("B"));
                if (first.identifier() && !joinColumn && !(first.bare() && TABLE_CONSTRAINTS.contains(first.lower()))) {
                    checkColumn(first, path, text, findings, renamed);
                }
            }
        }
    }

    private static void alterTable(Statement s, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        s.keyword("if");
        s.keyword("exists");
        s.keyword("only");
        if (s.qualifiedName().isEmpty()) {
            return;
        }
        while (s.hasNext()) {
            if (s.keyword("add")) {
                boolean column = s.keyword("column");
                s.ifNotExists();
                Optional<Token> name = s.peek();
                if (name.isPresent() && name.get().identifier()
                        && (column || !(name.get().bare() && TABLE_CONSTRAINTS.contains(name.get().lower())))) {
                    checkColumn(name.get(), path, text, findings, renamed);
                }
            } else if (s.keyword("rename")) {
                if (s.keyword("to")) {
                    s.peek().filter(Token::identifier).ifPresent(t -> checkTable(t, path, text, findings, renamed));
                } else if (!s.keyword("constraint")) {
                    s.keyword("column");
                    s.skipTo("to");
                    s.peek().filter(Token::identifier).ifPresent(t -> checkColumn(t, path, text, findings, renamed));
                }
            }
            s.skipPastTopLevelComma();
        }
    }

    /** {@code ALTER INDEX a RENAME TO b}: b's table is not named here, so only its prefix and case are judged. */
    private static void alterIndex(Statement s, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        s.keyword("if");
        s.keyword("exists");
        if (s.qualifiedName().isEmpty() || !s.keyword("rename") || !s.keyword("to")) {
            return;
        }
        s.qualifiedName().filter(t -> !t.name().startsWith("idx_") || !Names.isSnake(t.name())).ifPresent(t ->
                findings.add(new Finding(path, text.lineOf(t.offset()), Rule.SQL_INDEX, "index '" + t.name()
                        + "' must be named idx_{table}_{columns}")));
    }

    private static void createIndex(Statement s, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        s.keyword("concurrently");
        s.ifNotExists();
        Optional<Token> name = Optional.empty();
        Token at = s.peek().orElse(null);
        if (at == null) {
            return;
        }
        if (!s.peekKeyword("on")) {
            name = s.qualifiedName();
        }
        if (!s.keyword("on")) {
            return;
        }
        s.keyword("only");
        Optional<Token> table = s.qualifiedName();
        if (table.isEmpty()) {
            return;
        }
        if (s.keyword("using")) {
            s.next();
        }
        List<String> columns = new ArrayList<>();
        boolean expression = !s.peekIs("(");
        if (!expression) {
            for (List<Token> element : s.parenthesised()) {
                Token first = element.get(0);
                boolean plain = first.identifier() && (element.size() == 1 || !element.get(1).is("("));
                if (plain) {
                    columns.add(first.name());
                } else {
                    expression = true;
                    columns.addAll(namesIn(element));
                }
            }
        }
        String prefix = "idx_" + table.get().name() + "_";
        String expected = prefix + (columns.isEmpty() ? "{columns}" : String.join("_", columns));
        if (name.isEmpty()) {
            findings.add(new Finding(path, text.lineOf(at.offset()), Rule.SQL_INDEX, "index on '"
                    + table.get().name() + "' has no name: name it idx_{table}_{columns} (e.g. " + expected + ")"));
            return;
        }
        String actual = name.get().name();
        if (prismaDefault(path, actual, table.get().name(), columns) || renamed.contains(actual.toLowerCase(Locale.ROOT))) {
            return;
        }
        boolean ok = expression ? actual.startsWith(prefix) && actual.length() > prefix.length() && Names.isSnake(actual)
                : actual.equals(expected);
        if (!ok) {
            findings.add(new Finding(path, text.lineOf(name.get().offset()), Rule.SQL_INDEX, "index '" + actual
                    + "' must be named idx_{table}_{columns} (e.g. " + expected + ")"));
        }
    }

    /** The column names in an index expression such as {@code lower(email)}: names not followed by a parenthesis. */
    private static List<String> namesIn(List<Token> element) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < element.size(); i++) {
            Token t = element.get(i);
            boolean call = i + 1 < element.size() && element.get(i + 1).is("(");
            if (t.identifier() && !call && !EXPRESSION_WORDS.contains(t.lower())) {
                names.add(t.name());
            }
        }
        return names;
    }

    /**
     * Prisma's own index names in its migrations ({@code prisma/migrations/}), which a schema does not choose: {@code User_email_key}, {@code Post_authorId_idx},
     * and for its join tables {@code _UserFavorites_AB_unique} and {@code _UserFavorites_B_index}.
     */
    private static boolean prismaDefault(String path, String index, String table, List<String> columns) {
        if (!("/" + path).contains("/prisma/migrations/")) {
            return false;
        }
        String base = table + "_" + String.join("_", columns);
        return index.equals(base + "_key") || index.equals(base + "_idx") || index.equals(base + "_fkey")
                || PRISMA_JOIN_TABLE.matcher(table).matches()
                && (index.equals(table + "_AB_unique") || index.equals(table + "_B_index") || index.equals(table + "_AB_pkey"));
    }

    private static void checkTable(Token table, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        String name = table.name();
        if (PRISMA_JOIN_TABLE.matcher(name).matches() || renamed.contains(name.toLowerCase(Locale.ROOT))) {
            return;
        }
        if (!Names.isSnake(name) || !Names.isPlural(name)) {
            findings.add(new Finding(path, text.lineOf(table.offset()), Rule.SQL_TABLE, "table '" + name
                    + "' must be snake_case plural (e.g. " + Names.pluralize(Names.toSnake(name)) + ")"));
        }
    }

    private static void checkColumn(Token column, String path, SourceText text, List<Finding> findings, Set<String> renamed) {
        String name = column.name();
        if (!renamed.contains(name.toLowerCase(Locale.ROOT)) && !Names.isSnake(name)) {
            findings.add(new Finding(path, text.lineOf(column.offset()), Rule.SQL_COLUMN, "column '" + name
                    + "' must be snake_case (e.g. " + Names.toSnake(name) + ")"));
        }
    }

    /** A word, a quoted identifier or one punctuation character, at its offset in the source. */
    record Token(String text, int offset) {
        boolean bare() {
            char c = text.charAt(0);
            return Character.isLetter(c) || c == '_';
        }

        boolean identifier() {
            char c = text.charAt(0);
            return bare() || c == '"' || c == '`' || c == '[';
        }

        boolean is(String punctuation) {
            return text.equals(punctuation);
        }

        String lower() {
            return text.toLowerCase(Locale.ROOT);
        }

        /** The identifier as the database stores it: quotes removed, doubled quotes undone. */
        String name() {
            char c = text.charAt(0);
            if (c == '"' || c == '`' || c == '[') {
                String inner = text.substring(1, Math.max(1, text.length() - 1));
                return c == '"' ? inner.replace("\"\"", "\"") : inner;
            }
            return text;
        }
    }

    private static List<Token> tokens(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'
                        || sql.charAt(end) == '$')) {
                    end++;
                }
                tokens.add(new Token(sql.substring(i, end), i));
                i = end;
            } else if (c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int end = i + 1;
                while (end < n) {
                    if (sql.charAt(end) == close) {
                        if (c == '"' && end + 1 < n && sql.charAt(end + 1) == '"') {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                end = Math.min(end + 1, n);
                tokens.add(new Token(sql.substring(i, end), i));
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
                    end++;
                }
                tokens.add(new Token(sql.substring(i, end), i));
                i = end;
            } else {
                tokens.add(new Token(String.valueOf(c), i));
                i++;
            }
        }
        return tokens;
    }

    /** A cursor over one statement's tokens. */
    private static final class Statement {
        private final List<Token> tokens;
        private int position;

        Statement(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean hasNext() {
            return position < tokens.size();
        }

        Optional<Token> peek() {
            return hasNext() ? Optional.of(tokens.get(position)) : Optional.empty();
        }

        void next() {
            position++;
        }

        boolean peekIs(String punctuation) {
            return peek().map(t -> t.is(punctuation)).orElse(false);
        }

        boolean peekKeyword(String word) {
            return peek().map(t -> t.bare() && t.lower().equals(word)).orElse(false);
        }

        /** Consumes the keyword if it is next. */
        boolean keyword(String word) {
            if (peekKeyword(word)) {
                position++;
                return true;
            }
            return false;
        }

        void ifNotExists() {
            int saved = position;
            if (!(keyword("if") && keyword("not") && keyword("exists"))) {
                position = saved;
            }
        }

        /** {@code a.b.c}: returns {@code c}. */
        Optional<Token> qualifiedName() {
            Optional<Token> name = peek().filter(Token::identifier);
            if (name.isEmpty()) {
                return name;
            }
            position++;
            while (peekIs(".") && position + 1 < tokens.size() && tokens.get(position + 1).identifier()) {
                name = Optional.of(tokens.get(position + 1));
                position += 2;
            }
            return name;
        }

        /** The comma-separated elements of the parenthesised list that starts here; empty elements dropped. */
        List<List<Token>> parenthesised() {
            List<List<Token>> elements = new ArrayList<>();
            List<Token> current = new ArrayList<>();
            int depth = 0;
            for (; position < tokens.size(); position++) {
                Token t = tokens.get(position);
                if (t.is("(")) {
                    if (depth++ == 0) {
                        continue;
                    }
                } else if (t.is(")")) {
                    if (--depth == 0) {
                        position++;
                        break;
                    }
                } else if (t.is(",") && depth == 1) {
                    if (!current.isEmpty()) {
                        elements.add(current);
                    }
                    current = new ArrayList<>();
                    continue;
                }
                current.add(t);
            }
            if (!current.isEmpty()) {
                elements.add(current);
            }
            return elements;
        }

        void skipTo(String word) {
            int depth = 0;
            while (hasNext()) {
                Token t = tokens.get(position);
                if (t.is("(")) {
                    depth++;
                } else if (t.is(")")) {
                    depth--;
                } else if (depth == 0 && t.bare() && t.lower().equals(word)) {
                    position++;
                    return;
                }
                position++;
            }
        }

        void skipPastTopLevelComma() {
            int depth = 0;
            while (hasNext()) {
                Token t = tokens.get(position++);
                if (t.is("(")) {
                    depth++;
                } else if (t.is(")")) {
                    depth--;
                } else if (t.is(",") && depth == 0) {
                    return;
                }
            }
        }
    }
}
