package dev.kleiber.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A transaction (or, from {@link Database#read}, a series of statements): parameterised SQL only. */
public final class Tx {
    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final Connection connection;
    private final Dialect dialect;

    Tx(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    public Dialect dialect() {
        return dialect;
    }

    public int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = prepare(sql, args)) {
            return statement.executeUpdate();
        }
    }

    public <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
        try (PreparedStatement statement = prepare(sql, args); ResultSet rs = statement.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
        List<T> rows = query(sql, row, args);
        if (rows.size() > 1) {
            throw new SQLException("expected at most one row from: " + sql);
        }
        return rows.stream().findFirst();
    }

    /** The first column of the single row {@code sql} returns, as a long (a NULL sum is 0). */
    public long number(String sql, Object... args) throws SQLException {
        return one(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    /**
     * Serialises this transaction against every other one that locks {@code name}, until commit. On SQLite the
     * transaction already holds the write lock; on PostgreSQL this takes a row lock on {@code locks}.
     */
    public void lock(String name) throws SQLException {
        if (update("UPDATE locks SET taken = taken + 1 WHERE name = ?", name) != 1) {
            throw new SQLException("no lock row named '" + name + "'");
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
        return statement;
    }
}
