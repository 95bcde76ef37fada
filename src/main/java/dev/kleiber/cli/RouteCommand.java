package dev.kleiber.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kleiber.KleiberException;
import dev.kleiber.routing.Explanation;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.routing.Reason;
import dev.kleiber.routing.RouteLines;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.RoutingDecision;
import dev.kleiber.routing.RoutingPolicy;
import dev.kleiber.routing.RoutingRequest;
import dev.kleiber.routing.RoutingRequest.Hints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code kleiber route}: which model a task goes to, and why. */
@Command(name = "route",
        mixinStandardHelpOptions = true,
        subcommands = RouteStatsCommand.class,
        description = {
                "Route a task to the cheapest Claude model that can reliably do it (opus, sonnet, haiku), say whether "
                        + "a human must review it, and why.",
                "The policy is the blueprint's Model Selection Policy, extended by .kleiber/policy.yaml in the "
                        + "repository when there is one."},
        footer = {"",
                "Examples:",
                "  kleiber route Add pagination to search results endpoint",
                "  kleiber route --agent scribe --explain Update the CHANGELOG",
                "  kleiber route --json --input tasks.jsonl     (lines of {\"id\",\"description\",\"agent\"?})",
                "  kleiber route stats [--json]                 (how routed tasks fared; what routing learned)"})
final class RouteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--agent", paramLabel = "ROLE", description = "The role that will do the task.")
    Optional<String> agent = Optional.empty();

    @Option(names = "--explain", description = "Also list every rule considered and what became of it.")
    boolean explain;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Route every line of FILE ('-' for standard input): JSON Lines of "
                    + "{\"id\", \"description\", \"agent\"?, \"files\"?, \"services\"?, \"minutes\"?, \"reversible\"?}; "
                    + "writes one JSON line per input line, in order.")
    Optional<String> input = Optional.empty();

    @Option(names = "--files", split = ",", paramLabel = "PATH", description = "Files the task will touch.")
    List<String> files = new ArrayList<>();

    @Option(names = "--services", split = ",", paramLabel = "NAME", description = "Services the task will touch.")
    List<String> services = new ArrayList<>();

    @Option(names = "--minutes", paramLabel = "N", description = "Estimated minutes the task takes.")
    Optional<Integer> minutes = Optional.empty();

    @Option(names = "--reversible", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Whether the change is undone by a plain revert.")
    Optional<Boolean> reversible = Optional.empty();

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "The task description.")
    List<String> text = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        CliContext context = CliContext.of(spec);
        Router router = new Router(policy(context));
        PrintWriter out = spec.commandLine().getOut();
        if (input.isPresent()) {
            if (!text.isEmpty()) {
                throw KleiberException.badInput("give either TEXT or --input FILE, not both");
            }
            routeLines(context, router, input.get(), out);
            return 0;
        }
        if (minutes.isPresent() && minutes.get() < 0) {
            throw KleiberException.badInput("--minutes must be 0 or more; found " + minutes.get());
        }
        String description = String.join(" ", text).strip();
        if (description.isEmpty()) {
            throw KleiberException.badInput("no task text: say what the task does, e.g. "
                    + "kleiber route Add pagination to search results endpoint");
        }
        RoutingRequest request = new RoutingRequest(description, agent,
                new Hints(files, services, minutes, reversible));
        Explanation explanation = router.explain(request);
        if (json) {
            printJson(explanation, out);
        } else {
            printForPerson(explanation, out);
        }
        return 0;
    }

    static RoutingPolicy policy(CliContext context) {
        return RoutingPolicies.load(ProjectLayout.find(context.workingDir()));
    }

    private void printForPerson(Explanation explanation, PrintWriter out) {
        RoutingDecision decision = explanation.decision();
        out.println("Model:        " + decision.tier().id());
        out.println("Human review: " + (decision.humanReview() ? "required" : "not required"));
        out.println("Why:");
        int width = decision.reasons().stream().mapToInt(r -> r.ruleId().length()).max().orElse(0);
        for (Reason reason : decision.reasons()) {
            out.println("  " + pad(reason.ruleId(), width) + "  " + reason.evidence());
        }
        if (explain) {
            out.println("Lowest tier a planner may assign: " + decision.floor().id());
            out.println("Rules considered, in policy order:");
            int idWidth = explanation.considered().stream().mapToInt(c -> c.ruleId().length()).max().orElse(0);
            for (Explanation.Considered c : explanation.considered()) {
                String outcome = switch (c.outcome()) {
                    case APPLIED -> "applied";
                    case OUTWEIGHED -> "outweighed";
                    case SKIPPED_COSMETIC -> "skipped";
                    case NO_MATCH -> "no match";
                    case DISABLED -> "disabled";
                };
                out.println("  " + pad(outcome, 10) + "  " + pad(c.ruleId(), idWidth) + "  (" + c.effect() + ")"
                        + (c.evidence().isEmpty() ? "" : "  " + c.evidence()));
            }
        }
        out.flush();
    }

    private void printJson(Explanation explanation, PrintWriter out) throws IOException {
        JsonGenerator generator = new RouteLines().writer(nonClosing(out));
        RouteLines.write(generator, Optional.empty(), explanation, explain);
        generator.flush();
        out.println();
        out.flush();
    }

    private void routeLines(CliContext context, Router router, String file, PrintWriter out) throws IOException {
        String name = file.equals("-") ? "standard input" : file;
        RouteLines lines = new RouteLines();
        try (BufferedReader in = open(context, file, name);
             JsonGenerator generator = lines.writer(nonClosing(out))) {
            int number = 0;
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    RouteLines.Line parsed = lines.read(line, name + " line " + number);
                    Explanation explanation;
                    try {
                        explanation = explain ? router.explain(parsed.request())
                                : new Explanation(router.route(parsed.request()), List.of());
                    } catch (KleiberException e) {
                        throw KleiberException.badInput(name + " line " + number + ": " + e.getMessage());
                    }
                    RouteLines.write(generator, Optional.of(parsed.id()), explanation, explain);
                    generator.writeRaw('\n');
                }
            } catch (CharacterCodingException e) {
                throw KleiberException.badInput(name + " line " + (number + 1) + ": not UTF-8 text");
            } finally {
                generator.flush();
                out.flush();
            }
        }
    }

    private static BufferedReader open(CliContext context, String file, String name) throws IOException {
        Reader reader;
        if (file.equals("-")) {
            reader = new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder());
        } else {
            Path path = context.resolve(file);
            try {
                reader = new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8.newDecoder());
            } catch (NoSuchFileException e) {
                throw KleiberException.badInput(name + ": no such file");
            } catch (IOException e) {
                throw KleiberException.badInput(name + ": cannot be read: " + e.getMessage());
            }
        }
        return new BufferedReader(reader, 1 << 16);
    }

    /** The command's writer belongs to the caller: the generator may flush it but must not close it. */
    private static Writer nonClosing(PrintWriter out) {
        return new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                out.write(buffer, offset, length);
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
