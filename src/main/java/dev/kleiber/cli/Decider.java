package dev.kleiber.cli;

import dev.kleiber.KleiberException;

import java.util.Optional;

/**
 * Who made a decision only a person may make (a budget raise, an approval, a rejection), and where Kleiber learnt
 * the name: {@code --by}, {@code $USER}, {@code $LOGNAME} or, in containers and CI where neither is set, the OS
 * account. Both are recorded with the decision, so a forced review is never approved by nobody.
 */
record Decider(String name, Source source) {
    private static final int MAX_NAME = 100;

    enum Source {
        OPTION("--by"), USER("$USER"), LOGNAME("$LOGNAME"), OS_ACCOUNT("the OS account");

        private final String label;

        Source(String label) {
            this.label = label;
        }
    }

    /** {@code --by} when given, else the environment's name for the person at the terminal; exit 2 when there is none. */
    static Decider of(Optional<String> by, CliContext context) {
        if (by.isPresent()) {
            return new Decider(checked(by.get(), "--by"), Source.OPTION);
        }
        return fromEnvironment(context).orElseThrow(() -> KleiberException.badInput(
                "say who decides with --by NAME: neither $USER, $LOGNAME nor the OS account names anyone"));
    }

    /** $USER, else $LOGNAME, else the OS account. */
    private static Optional<Decider> fromEnvironment(CliContext context) {
        return context.env("USER").map(name -> new Decider(checked(name, "$USER"), Source.USER))
                .or(() -> context.env("LOGNAME").map(name -> new Decider(checked(name, "$LOGNAME"), Source.LOGNAME)))
                .or(() -> context.osAccount().map(name -> new Decider(checked(name, "the OS account"), Source.OS_ACCOUNT)));
    }

    /** As the store and the budget record it: {@code ana (from $USER)}. */
    String recorded() {
        return name + " (from " + source.label + ")";
    }

    /** A name is one short line: it is written into the store, the log and messages people read. */
    private static String checked(String name, String where) {
        String stripped = name.strip();
        if (stripped.isEmpty()) {
            throw KleiberException.badInput(where + " must name who decides; found an empty name");
        }
        if (stripped.length() > MAX_NAME || stripped.chars().anyMatch(Character::isISOControl)) {
            throw KleiberException.badInput(where + " must be a name on one line of at most " + MAX_NAME
                    + " characters");
        }
        return stripped;
    }
}
