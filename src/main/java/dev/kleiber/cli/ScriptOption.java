package dev.kleiber.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --script FILE}: the model's answers replayed from a file of Messages API responses (JSON Lines) instead of
 * the API, with no key and no network. A picocli mixin, shared by every command that may call a model.
 */
final class ScriptOption {
    @Option(names = "--script", paramLabel = "FILE",
            description = "Replay a script of Messages API responses (JSON Lines) instead of calling the API.")
    Optional<String> file = Optional.empty();

    /** The script, resolved against the command's working folder. */
    Optional<Path> path(CliContext context) {
        return file.map(context::resolve);
    }

    boolean given() {
        return file.isPresent();
    }

    /** What a scripted command says first, so nobody takes replayed answers for a model's: how to do it for real. */
    String notice(String forReal) {
        return "SCRIPTED: the model's answers are replayed from " + file.orElseThrow() + ", not produced by a model. "
                + "For real: ANTHROPIC_API_KEY=... " + forReal;
    }
}
