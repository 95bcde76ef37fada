package dev.kleiber.store;

import dev.kleiber.KleiberException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the store lives: {@code sqlite} (the file {@code .kleiber/state.db} of the repository),
 * {@code sqlite:PATH}, or {@code postgresql://user:pass@host:port/db}. {@link #toString()} never shows a password.
 */
public sealed interface StoreUrl {

    Dialect dialect();

    String jdbcUrl();

    /** A SQLite database file. */
    record Sqlite(Path file) implements StoreUrl {
        @Override
        public Dialect dialect() {
            return Dialect.SQLITE;
        }

        @Override
        public String jdbcUrl() {
            return "jdbc:sqlite:" + file;
        }

        @Override
        public String toString() {
            return "sqlite:" + file;
        }
    }

    /** A PostgreSQL database; the password is kept out of {@link #toString()}. */
    record Postgresql(String host, int port, String database, Optional<String> user, Optional<String> password)
            implements StoreUrl {
        @Override
        public Dialect dialect() {
            return Dialect.POSTGRESQL;
        }

        @Override
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        @Override
        public String toString() {
            return "postgresql://" + user.map(u -> u + (password.isPresent() ? ":***" : "") + "@").orElse("")
                    + host + ":" + port + "/" + database;
        }
    }

    /** The default store of a repository: {@code .kleiber/state.db} under its root. */
    static StoreUrl defaultFor(Path repositoryRoot) {
        return new Sqlite(repositoryRoot.resolve(".kleiber").resolve("state.db"));
    }

    /**
     * Reads the {@code store:} setting or the {@code --store} option; relative SQLite paths are taken from
     * {@code repositoryRoot}. {@code source} names where the text came from, for messages.
     */
    static StoreUrl parse(String text, Path repositoryRoot, String source) {
        String value = text.strip();
        if (value.equals("sqlite")) {
            return defaultFor(repositoryRoot);
        }
        if (value.startsWith("sqlite:")) {
            String path = value.substring("sqlite:".length());
            if (path.isBlank()) {
                throw KleiberException.badInput(source + ": 'sqlite:' needs a file path, e.g. sqlite:.kleiber/state.db");
            }
            return new Sqlite(repositoryRoot.resolve(path).normalize());
        }
        if (value.startsWith("postgresql://") || value.startsWith("postgres://")) {
            return parsePostgresql(value, source);
        }
        throw KleiberException.badInput(source + ": store must be 'sqlite', 'sqlite:PATH' or "
                + "'postgresql://user:pass@host:port/db'; found '" + redact(value) + "'");
    }

    private static Postgresql parsePostgresql(String value, String source) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw KleiberException.badInput(source + ": not a valid PostgreSQL URL (" + e.getReason()
                    + "); expected postgresql://user:pass@host:port/db");
        }
        String path = Optional.ofNullable(uri.getPath()).orElse("");
        if (uri.getHost() == null || path.length() < 2) {
            throw KleiberException.badInput(source + ": a PostgreSQL URL needs a host and a database, "
                    + "e.g. postgresql://user:pass@host:5432/kleiber; found '" + redact(value) + "'");
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(decode(parts[0])).filter(u -> !u.isEmpty());
            if (parts.length == 2) {
                password = Optional.of(decode(parts[1]));
            }
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new Postgresql(uri.getHost(), port, path.substring(1), user, password);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The text with any password in user info replaced, for messages. */
    private static String redact(String value) {
        return value.replaceFirst("://([^:/@]*):[^@/]*@", "://$1:***@");
    }
}
