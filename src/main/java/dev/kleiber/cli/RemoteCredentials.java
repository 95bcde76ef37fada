package dev.kleiber.cli;

import dev.kleiber.KleiberException;
import dev.kleiber.git.RemoteGit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where {@code kleiber worker} finds an https remote's credentials: a file in git's credential format
 * ({@code username=...}, {@code password=...}) that only its owner may read, else {@code $KLEIBER_REMOTE_USERNAME}
 * and {@code $KLEIBER_REMOTE_PASSWORD} (a container's secret). Never an option's value: that shows in {@code ps}.
 */
final class RemoteCredentials {
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private RemoteCredentials() {
    }

    static Optional<RemoteGit.Credentials> read(CliContext context, Optional<Path> file) {
        if (file.isPresent()) {
            return Optional.of(fromFile(context.resolve(file.get().toString())));
        }
        Optional<String> user = context.env("KLEIBER_REMOTE_USERNAME").filter(v -> !v.isBlank());
        Optional<String> password = context.env("KLEIBER_REMOTE_PASSWORD").filter(v -> !v.isBlank());
        if (user.isPresent() != password.isPresent()) {
            throw KleiberException.badInput("set both $KLEIBER_REMOTE_USERNAME and $KLEIBER_REMOTE_PASSWORD, or neither");
        }
        return user.map(u -> new RemoteGit.Credentials(u, password.orElseThrow()));
    }

    private static RemoteGit.Credentials fromFile(Path file) {
        List<String> lines;
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(OTHERS::contains)) {
                throw KleiberException.badInput(file + ": other users may read or write it; `chmod 600 " + file
                        + "` (it holds the remote's password)");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (UnsupportedOperationException e) {
            throw KleiberException.badInput(file + ": cannot check who may read it on this file system");
        } catch (IOException e) {
            throw KleiberException.badInput("cannot read --remote-credentials " + file + ": " + e.getMessage());
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("username=")) {
                user = Optional.of(line.substring("username=".length()));
            } else if (line.startsWith("password=")) {
                password = Optional.of(line.substring("password=".length()));
            } else {
                // the line may hold the secret itself: its number is named, never its text
                throw KleiberException.badInput(file + " line " + (i + 1) + ": expected username=USER or password=TOKEN");
            }
        }
        if (user.isEmpty() || password.isEmpty()) {
            throw KleiberException.badInput(file + ": needs a line username=USER and a line password=TOKEN");
        }
        return new RemoteGit.Credentials(user.get(), password.get());
    }
}
