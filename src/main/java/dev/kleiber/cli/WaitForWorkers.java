package dev.kleiber.cli;

import dev.kleiber.KleiberException;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the conductor following a run on a remote's workers waits, while tasks are queued, for a live worker
 * that can take them before it says so and stops following (ADR 0137): {@code --wait-for-workers} of {@code kleiber
 * run} and {@code kleiber resume}, else {@code $KLEIBER_WAIT_FOR_WORKERS} (also {@code kleiber serve}'s), else two
 * minutes — long enough for a worker to start and register, short enough that nobody watches a run that cannot move.
 */
final class WaitForWorkers {
    static final Duration DEFAULT = Duration.ofMinutes(2);
    static final String ENV = "KLEIBER_WAIT_FOR_WORKERS";
    private static final Pattern TEXT = Pattern.compile("(\\d{1,6})([smh])");
    private static final Duration MAX = Duration.ofHours(24);

    private WaitForWorkers() {
    }

    /** {@code option} (named {@code --wait-for-workers}), else the environment's, else {@link #DEFAULT}; exit 2 if bad. */
    static Duration of(Optional<String> option, CliContext context) {
        if (option.isPresent()) {
            return parse(option.get(), "--wait-for-workers");
        }
        return context.env(ENV).filter(text -> !text.isBlank()).map(text -> parse(text, "$" + ENV)).orElse(DEFAULT);
    }

    /** {@code 90s}, {@code 2m} or {@code 1h}: 1 s to 24 h. */
    static Duration parse(String text, String source) {
        Matcher m = TEXT.matcher(text.strip());
        Optional<Duration> parsed = Optional.empty();
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            parsed = Optional.of(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        if (parsed.isEmpty() || parsed.get().isZero() || parsed.get().compareTo(MAX) > 0) {
            throw KleiberException.badInput(source + " must be a time from 1s to 24h such as 90s, 2m or 1h; found '"
                    + text + "'");
        }
        return parsed.get();
    }
}
