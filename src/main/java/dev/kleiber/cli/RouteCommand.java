package dev.kleiber.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.kleiber.KleiberException;
import dev.kleiber.routing.Explanation;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.config.RoutingPolicies;
import dev.kleiber.routing.Reason;
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
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
public final class RouteCommand implements Callable<Integer> {
    private static final int MAX_DESCRIPTION = 100_000;
    private static final Set<String> INPUT_KEYS = Set.of("id", "description", "agent", "files", "services",
            "minutes", "reversible");

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
        JsonGenerator generator = new JsonFactory().createGenerator(nonClosing(out));
        writeDecision(generator, Optional.empty(), explanation, explain);
        generator.flush();
        out.println();
        out.flush();
    }

    private static void writeDecision(JsonGenerator g, Optional<Object> id, Explanation explanation,
                                      boolean withConsidered) throws IOException {
        RoutingDecision decision = explanation.decision();
        g.writeStartObject();
        if (id.isPresent()) {
            g.writeFieldName("id");
            writeScalar(g, id.get());
        }
        g.writeStringField("model", decision.tier().id());
        g.writeBooleanField("humanReview", decision.humanReview());
        g.writeArrayFieldStart("reasons");
        for (Reason reason : decision.reasons()) {
            g.writeStartObject();
            g.writeStringField("rule", reason.ruleId());
            g.writeStringField("evidence", reason.evidence());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (withConsidered) {
            g.writeStringField("floor", decision.floor().id());
            g.writeArrayFieldStart("considered");
            for (Explanation.Considered c : explanation.considered()) {
                g.writeStartObject();
                g.writeStringField("rule", c.ruleId());
                g.writeStringField("effect", c.effect());
                g.writeStringField("outcome", c.outcome().name().toLowerCase(Locale.ROOT));
                g.writeStringField("evidence", c.evidence());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeScalar(JsonGenerator g, Object id) throws IOException {
        if (id instanceof BigInteger number) {
            g.writeNumber(number);
        } else {
            g.writeString(id.toString());
        }
    }

    private void routeLines(CliContext context, Router router, String file, PrintWriter out) throws IOException {
        String name = file.equals("-") ? "standard input" : file;
        JsonFactory factory = new JsonFactory();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        factory.setRootValueSeparator(null);
        factory.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        try (BufferedReader in = open(context, file, name);
             JsonGenerator generator = factory.createGenerator(nonClosing(out))) {
            int number = 0;
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    Line parsed = parse(factory, line, name, number);
                    Explanation explanation;
                    try {
                        explanation = explain ? router.explain(parsed.request())
                                : new Explanation(router.route(parsed.request()), List.of());
                    } catch (KleiberException e) {
                        throw KleiberException.badInput(name + " line " + number + ": " + e.getMessage());
                    }
                    writeDecision(generator, Optional.of(parsed.id()), explanation, explain);
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

    /** An input line's id is echoed as given: a string, or a whole number. */
    private record Line(Object id, RoutingRequest request) {
    }

    /**
     * One input line, read with the streaming parser: a line is small and fixed in shape, and the object
     * mapper would cost more to load than the whole file costs to route.
     */
    private static Line parse(JsonFactory factory, String line, String name, int number) {
        String where = name + " line " + number + ": ";
        try (JsonParser p = factory.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw KleiberException.badInput(where + "expected a JSON object like "
                        + "{\"id\": \"t1\", \"description\": \"...\"}");
            }
            Object id = null;
            Optional<String> description = Optional.empty();
            Optional<String> role = Optional.empty();
            List<String> files = List.of();
            List<String> services = List.of();
            Optional<Integer> minutes = Optional.empty();
            Optional<Boolean> reversible = Optional.empty();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "id" -> {
                        if (value == JsonToken.VALUE_STRING && !p.getText().isBlank()) {
                            id = p.getText();
                        } else if (value == JsonToken.VALUE_NUMBER_INT) {
                            id = p.getBigIntegerValue();
                        } else {
                            throw KleiberException.badInput(where + "'id' must be a non-empty string or a whole number");
                        }
                    }
                    case "description" -> description = text(p, value, key, where);
                    case "agent" -> role = text(p, value, key, where);
                    case "files" -> files = strings(p, value, key, where);
                    case "services" -> services = strings(p, value, key, where);
                    case "minutes" -> {
                        if (value == JsonToken.VALUE_NULL) {
                            minutes = Optional.empty();
                        } else if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                                && p.getIntValue() >= 0) {
                            minutes = Optional.of(p.getIntValue());
                        } else {
                            throw KleiberException.badInput(where + "'minutes' must be a whole number of 0 or more; found "
                                    + p.getText());
                        }
                    }
                    case "reversible" -> {
                        if (value == JsonToken.VALUE_NULL) {
                            reversible = Optional.empty();
                        } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                            reversible = Optional.of(value == JsonToken.VALUE_TRUE);
                        } else {
                            throw KleiberException.badInput(where + "'reversible' must be true or false; found "
                                    + p.getText());
                        }
                    }
                    default -> throw KleiberException.badInput(where + "unknown key '" + key + "'; expected "
                            + String.join(", ", new TreeSet<>(INPUT_KEYS)));
                }
            }
            if (p.nextToken() != null) {
                throw KleiberException.badInput(where + "more than one JSON value on the line; expected one object");
            }
            if (id == null) {
                throw KleiberException.badInput(where + "'id' is required");
            }
            String text = description.orElseThrow(() -> KleiberException.badInput(where + "'description' is required"));
            if (text.isBlank()) {
                throw KleiberException.badInput(where + "'description' is empty; say what the task does");
            }
            if (text.length() > MAX_DESCRIPTION) {
                throw KleiberException.badInput(where + "'description' is longer than " + MAX_DESCRIPTION + " characters");
            }
            return new Line(id, new RoutingRequest(text, role, new Hints(files, services, minutes, reversible)));
        } catch (JsonProcessingException e) {
            throw KleiberException.badInput(where + "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw KleiberException.badInput(where + "cannot be read: " + e.getMessage());
        }
    }

    private static Optional<String> text(JsonParser p, JsonToken value, String key, String where) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            throw KleiberException.badInput(where + "'" + key + "' must be a string");
        }
        return Optional.of(p.getText());
    }

    private static List<String> strings(JsonParser p, JsonToken value, String key, String where) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw KleiberException.badInput(where + "'" + key + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            if (item != JsonToken.VALUE_STRING) {
                throw KleiberException.badInput(where + "'" + key + "' must be a list of strings");
            }
            out.add(p.getText());
        }
        return out;
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
