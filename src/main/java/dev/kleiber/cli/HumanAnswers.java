package dev.kleiber.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a yes or no from a person comes from: {@code --yes}, a question asked in the terminal, or nowhere
 * (stdin is not a terminal), in which case the caller stops and says how to go on by hand.
 */
interface HumanAnswers {
    HumanAnswers YES = (out, question) -> {
        out.println(question + " yes (--yes)");
        return Optional.of(true);
    };

    HumanAnswers NONE = (out, question) -> {
        out.println(question + " (not asked: stdin is not a terminal)");
        return Optional.empty();
    };

    /** The answer, or empty when nobody can be asked. */
    Optional<Boolean> ask(PrintWriter out, String question);

    /** Asks on the terminal when stdin is one, else {@link #NONE}. */
    static HumanAnswers fromTerminal() {
        if (!stdinIsTerminal()) {
            return NONE;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
        return (out, question) -> {
            while (true) {
                out.print(question + " [y/n] ");
                out.flush();
                String line;
                try {
                    line = in.readLine();
                } catch (IOException e) {
                    return Optional.empty();
                }
                if (line == null) {
                    return Optional.empty();
                }
                switch (line.strip().toLowerCase(Locale.ROOT)) {
                    case "y", "yes" -> {
                        return Optional.of(true);
                    }
                    case "n", "no" -> {
                        return Optional.of(false);
                    }
                    default -> out.println("Please answer y or n.");
                }
            }
        };
    }

    /**
     * Whether this process's stdin is a terminal. Asked of the shell ({@code test -t 0} on the inherited stdin)
     * because {@code System.console()} is not null on newer JDKs even when stdin is a pipe.
     */
    private static boolean stdinIsTerminal() {
        try {
            Process test = new ProcessBuilder("sh", "-c", "test -t 0")
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
            return test.waitFor(5, TimeUnit.SECONDS) && test.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
