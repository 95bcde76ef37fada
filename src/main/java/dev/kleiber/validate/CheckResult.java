package dev.kleiber.validate;

import java.time.Duration;

/**
 * One check's outcome, as the validation report shows it.
 *
 * @param name     what was checked: a {@code validate.commands} name ({@code test}, {@code types}) or one of
 *                 Kleiber's own checks ({@code naming}, {@code storybook}, {@code endpoint-tests}, {@code coverage})
 * @param status   pass, fail or skipped
 * @param duration how long it ran
 * @param summary  one line for people: "3 of 41 tests failed", "exit code 2", "timed out after 600 s"
 * @param output   what the check printed or found, for the details section; may be long (the report keeps
 *                 its tail) and may be empty
 */
public record CheckResult(String name, CheckStatus status, Duration duration, String summary, String output) {
    public CheckResult {
        if (name.isBlank()) {
            throw new IllegalArgumentException("a check needs a name");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration for check " + name);
        }
        summary = summary.strip().replace('\n', ' ');
    }

    public boolean failed() {
        return status == CheckStatus.FAIL;
    }
}
