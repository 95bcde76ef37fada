package dev.kleiber.validate;

import java.util.Locale;

/** How one check ended. Only {@link #FAIL} fails the validation; {@link #SKIPPED} says there was nothing to check. */
public enum CheckStatus {
    PASS, FAIL, SKIPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
