package dev.kleiber.server;

import dev.kleiber.KleiberException;

import java.util.Locale;

/** What a token may do; each scope includes the ones before it. */
public enum Scope {
    /** Sees everything: runs, tasks, diffs, budget, cost, events. */
    READ,
    /** Also decides reviews, blocked questions and budget raises. */
    APPROVE,
    /** Also manages tokens and starts or cancels runs. */
    ADMIN;

    public boolean includes(Scope needed) {
        return compareTo(needed) >= 0;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String text) {
        for (Scope scope : values()) {
            if (scope.id().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return scope;
            }
        }
        throw KleiberException.badInput("a scope must be read, approve or admin; found '" + text + "'");
    }
}
