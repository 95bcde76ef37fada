package dev.kleiber.mcp;

import dev.kleiber.AtomicFiles;
import dev.kleiber.KleiberException;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.protocol.FileLocation;
import dev.kleiber.protocol.FileText;
import dev.kleiber.protocol.Kind;
import dev.kleiber.protocol.ParseResult;
import dev.kleiber.protocol.ProtocolParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes the two protocol files an outside agent may add: a task file or a blocked file. The text must parse as
 * that kind of file at that place (the parser {@code kleiber protocol check} uses, with the project's roles); a file
 * that exists is never replaced (a blocked file may hold a person's answer); nothing is written through a symbolic
 * link. Problems are reported as {@code protocol check} reports them: {@code path:line: message}.
 */
final class ProtocolFileDesk {
    private static final List<Kind> WRITABLE = List.of(Kind.TASK, Kind.BLOCKED);

    private final Path project;

    ProtocolFileDesk(Path project) {
        this.project = project.toAbsolutePath().normalize();
    }

    ToolAnswer write(String relative, String content) {
        ProjectLayout layout = ProjectLayout.require(project);
        Path root = layout.root();
        Path file = project.resolve(relative).normalize();
        if (!file.startsWith(root)) {
            throw KleiberException.badInput(relative + " is outside the repository " + root);
        }
        Path inRepository = root.relativize(file);
        FileLocation location = FileLocation.of(inRepository).filter(l -> l.relativePath().equals(inRepository))
                .orElseThrow(() -> KleiberException.badInput(relative + ": a task file or a blocked file is expected "
                        + "here: tasks/{agent}/{task-id}.md or blocked/{agent}/{task-id}-conflict.md"));
        if (!WRITABLE.contains(location.kind())) {
            throw KleiberException.badInput(relative + " is a " + location.kind().id() + " file; only task files "
                    + "(tasks/) and blocked files (blocked/) may be written here — Kleiber writes the others itself");
        }
        refuseLinks(root, inRepository);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw KleiberException.badInput(relative + " exists already; a protocol file is written once, never replaced");
        }
        String text = decoded(relative, content);
        ProtocolParser parser = new ProtocolParser(layout.knownRoles());
        switch (parser.parse(text, location)) {
            case ParseResult.Rejected rejected -> throw KleiberException.badInput(rejected.problems().stream()
                    .map(p -> relative + ":" + p.line() + ": " + p.message())
                    .collect(Collectors.joining("\n")) + "\n" + relative + " is not a valid protocol file; nothing written");
            case ParseResult.Parsed parsed -> {
                try {
                    AtomicFiles.write(file, text);
                } catch (IOException e) {
                    throw KleiberException.failed("cannot write " + relative + ": " + e.getMessage());
                }
            }
        }
        String shown = inRepository.toString();
        return new ToolAnswer.Answer("wrote " + shown + " (" + location.kind().id() + " file for " + location.agent()
                + ", task " + location.id() + ")", Optional.of(Map.of("path", shown, "kind", location.kind().id(),
                "agent", location.agent(), "taskId", location.id())));
    }

    /** The text as the protocol reader would take it: within the size limit, no byte-order mark, valid UTF-8. */
    private static String decoded(String relative, String content) {
        return switch (FileText.decode(content.getBytes(StandardCharsets.UTF_8))) {
            case FileText.Decoded.Text text -> text.text();
            case FileText.Decoded.Refused refused -> throw KleiberException.badInput(relative + ":"
                    + refused.problem().line() + ": " + refused.problem().message());
        };
    }

    /** No folder on the way from the repository root to the file may be a symbolic link (it could lead anywhere). */
    private static void refuseLinks(Path root, Path inRepository) {
        Path at = root;
        for (Path part : inRepository) {
            at = at.resolve(part);
            if (Files.isSymbolicLink(at)) {
                throw KleiberException.badInput(root.relativize(at) + " is a symbolic link; protocol files are written "
                        + "only into real folders");
            }
        }
    }
}
