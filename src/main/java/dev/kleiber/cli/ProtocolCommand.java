package dev.kleiber.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.Problem;
import dev.kleiber.protocol.ProtocolFiles;
import dev.kleiber.protocol.ProtocolJson;
import dev.kleiber.protocol.ProtocolParser;
import dev.kleiber.protocol.ProtocolRenderer;
import dev.kleiber.routing.Roles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code kleiber protocol}: checks and shows the markdown protocol files under tasks/, progress/, complete/, blocked/. */
@Command(name = "protocol", mixinStandardHelpOptions = true,
        description = "Check and show the markdown protocol files (tasks/, progress/, complete/, blocked/).",
        subcommands = {ProtocolCommand.Check.class, ProtocolCommand.Show.class, CommandLine.HelpCommand.class})
final class ProtocolCommand implements Runnable {
    /** Loaded only when JSON is printed: picocli builds every command for --help, and start-up stays light. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: see 'kleiber protocol --help'.");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check protocol files against the blueprint's formats; prints each problem as path:line: message.",
                    "Exits 1 when any file is invalid."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print a JSON array of {path, kind, valid, errors:[{line, message}]}.")
        boolean json;

        @Parameters(paramLabel = "PATH", arity = "0..*",
                description = "Files or folders (walked recursively) to check; default: the repository's protocol folders.")
        List<String> paths = List.of();

        @Override
        public Integer call() {
            CliContext context = CliContext.of(spec);
            Optional<Path> root = repositoryRoot(context.workingDir());
            ProtocolParser parser = new ProtocolParser(knownRoles(root));
            List<Path> files = files(targets(context, root));
            List<FileReport> reports = files.stream().map(file -> check(file, parser, context)).toList();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                reports.forEach(report -> array.add(report.toJson()));
                out.println(write(array));
            } else {
                reports.forEach(report -> report.problems().forEach(
                        problem -> out.println(report.path() + ":" + problem.line() + ": " + problem.message())));
                long invalid = reports.stream().filter(r -> !r.problems().isEmpty()).count();
                out.println("checked " + reports.size() + (reports.size() == 1 ? " file: " : " files: ")
                        + (invalid == 0 ? "all valid" : invalid + " invalid"));
            }
            return reports.stream().allMatch(r -> r.problems().isEmpty()) ? 0 : KleiberException.FAILED;
        }

        private List<Path> targets(CliContext context, Optional<Path> root) {
            if (paths.isEmpty()) {
                Path repository = root.orElseThrow(() -> KleiberException.badInput("not inside a git repository (no .git in "
                        + context.workingDir() + " or above); name the files or folders to check"));
                return Arrays.stream(Kind.values()).map(kind -> repository.resolve(kind.folder()))
                        .filter(Files::isDirectory).toList();
            }
            List<Path> targets = new ArrayList<>();
            for (String path : paths) {
                Path target = context.resolve(path);
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw KleiberException.badInput("no such file or folder: " + path);
                }
                targets.add(target);
            }
            return targets;
        }

        /** Every markdown file under the targets, in a stable order; hidden files (editor and temp files) are skipped. */
        private static List<Path> files(List<Path> targets) {
            Set<Path> files = new LinkedHashSet<>();
            for (Path target : targets) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(target);
                    continue;
                }
                try (Stream<Path> walk = Files.walk(target)) {
                    walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                            .filter(p -> p.getFileName().toString().endsWith(".md"))
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .sorted().forEach(files::add);
                } catch (IOException | UncheckedIOException e) {
                    throw KleiberException.failed("cannot list " + target + ": " + e.getMessage());
                }
            }
            return List.copyOf(files);
        }

        private static FileReport check(Path file, ProtocolParser parser, CliContext context) {
            String shown = display(file, context);
            Optional<FileLocation> location = FileLocation.of(file);
            if (location.isEmpty()) {
                return new FileReport(shown, Optional.empty(), List.of(new Problem(1,
                        "cannot tell what kind of protocol file this is from where it is; expected " + FileLocation.EXPECTED)));
            }
            try {
                List<Problem> problems = switch (ProtocolFiles.parse(file, location.get(), parser)) {
                    case ParseResult.Parsed ignored -> List.of();
                    case ParseResult.Rejected rejected -> rejected.problems();
                };
                return new FileReport(shown, Optional.of(location.get().kind()), problems);
            } catch (IOException e) {
                return new FileReport(shown, Optional.of(location.get().kind()),
                        List.of(new Problem(1, "cannot read the file: " + e.getMessage())));
            }
        }
    }

    private record FileReport(String path, Optional<Kind> kind, List<Problem> problems) {
        ObjectNode toJson() {
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("path", path);
            if (kind.isPresent()) {
                node.put("kind", kind.get().id());
            } else {
                node.putNull("kind");
            }
            node.put("valid", problems.isEmpty());
            ArrayNode errors = node.putArray("errors");
            problems.forEach(p -> errors.addObject().put("line", p.line()).put("message", p.message()));
            return node;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show one protocol file as parsed: with --json as a JSON document, else in the blueprint's "
                    + "canonical layout. Exits 2 when the file is not valid."})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the parsed document as JSON (lowerCamelCase keys).")
        boolean json;

        @Parameters(paramLabel = "FILE", arity = "1", description = "The protocol file, e.g. tasks/engineer-backend/feat-001.md.")
        String file;

        @Override
        public Integer call() {
            CliContext context = CliContext.of(spec);
            Path path = context.resolve(file);
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                throw KleiberException.badInput("no such file: " + file);
            }
            if (Files.isDirectory(path)) {
                throw KleiberException.badInput(file + " is a folder; 'protocol show' takes one file "
                        + "(use 'kleiber protocol check' for folders)");
            }
            FileLocation location = FileLocation.of(path).orElseThrow(() -> KleiberException.badInput(file
                    + ": cannot tell what kind of protocol file this is from where it is; expected " + FileLocation.EXPECTED));
            ProtocolParser parser = new ProtocolParser(knownRoles(repositoryRoot(context.workingDir())));
            ParseResult result;
            try {
                result = ProtocolFiles.parse(path, location, parser);
            } catch (IOException e) {
                throw KleiberException.badInput("cannot read " + file + ": " + e.getMessage());
            }
            switch (result) {
                case ParseResult.Parsed parsed -> spec.commandLine().getOut().print(json
                        ? write(ProtocolJson.toJson(parsed.document())) + "\n"
                        : ProtocolRenderer.render(parsed.document()));
                case ParseResult.Rejected rejected -> {
                    PrintWriter err = spec.commandLine().getErr();
                    String shown = display(path, context);
                    rejected.problems().forEach(p -> err.println(shown + ":" + p.line() + ": " + p.message()));
                    err.println("kleiber: " + shown + " is not a valid protocol file");
                    return KleiberException.BAD_INPUT;
                }
            }
            return 0;
        }
    }

    static List<String> knownRoles(Optional<Path> repositoryRoot) {
        return repositoryRoot.map(root -> new ProjectLayout(root).knownRoles()).orElse(Roles.BLUEPRINT);
    }

    static Optional<Path> repositoryRoot(Path start) {
        return ProjectLayout.find(start).map(ProjectLayout::root);
    }

    private static String display(Path file, CliContext context) {
        return file.startsWith(context.workingDir()) ? context.workingDir().relativize(file).toString() : file.toString();
    }

    private static String write(Object json) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
