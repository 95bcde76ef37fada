package dev.kleiber.git;

import dev.kleiber.KleiberException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker's cached clone of the shared git remote, and the only git calls that talk to it: fetch and an atomic,
 * lease-checked push. Every call runs inert ({@link GitProcess}, so no hook, filter, credential helper or pager
 * of the repository runs); the transports the remote needs — local paths, https (with {@link Credentials} when it
 * asks for them) and ssh (keys from the home folder, never a prompt) — are the only ones allowed, and only for these
 * calls.
 */
public final class RemoteGit {
    /** What a remote's refs are fetched as in the cache: branches and Kleiber's fence refs, each under its own prefix. */
    public static final String BRANCHES = "refs/remotes/origin/";
    public static final String FENCES = "refs/remotes/origin-fences/";
    private static final List<String> TRANSPORT = List.of(
            "-c", "protocol.file.allow=always", "-c", "protocol.https.allow=always", "-c", "protocol.ssh.allow=always",
            "-c", "core.sshCommand=ssh -o BatchMode=yes", "-c", "user.name=Kleiber", "-c", "user.email=kleiber@localhost");
    private static final String EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    private static final Pattern USERINFO = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://([^/@]*)@");
    private static final Pattern LOOPBACK_HTTP = Pattern.compile("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?/.*");

    private final String url;
    private final Path clone;
    private final Duration timeout;
    private final Optional<Credentials> credentials;

    private RemoteGit(String url, Path clone, Duration timeout, Optional<Credentials> credentials) {
        this.url = url;
        this.clone = clone;
        this.timeout = timeout;
        this.credentials = credentials;
    }

    /**
     * What an https remote asks for (a user and a token or password). Git gets them in its environment only, as an
     * {@code Authorization} header for this remote, with redirects off so they go nowhere else: never on a command
     * line, in a URL or in a file. {@link #toString()} never shows the password.
     */
    public record Credentials(String username, String password) {
        public Credentials {
            if (username.isBlank() || password.isBlank() || (username + password).chars().anyMatch(c -> c < 0x20)
                    || username.contains(":")) {
                throw KleiberException.badInput("remote credentials need a user name (without ':') and a password or "
                        + "token, each on one line");
            }
        }

        Map<String, String> gitSettings() {
            String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            return Map.of("http.extraHeader", "Authorization: Basic " + basic, "http.followRedirects", "false");
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /** The cache of {@code url} at {@code clone}, without credentials (a path, file://, ssh:// with a key, public https). */
    public static RemoteGit open(String url, Path clone, Duration timeout) {
        return open(url, clone, timeout, Optional.empty());
    }

    /**
     * The cache of {@code url} at {@code clone}: cloned (without a checkout) on first use, reused after. A URL that
     * carries a password is refused: it would show in every process listing and in the clone's configuration.
     */
    public static RemoteGit open(String url, Path clone, Duration timeout, Optional<Credentials> credentials) {
        requireNoSecretIn(url);
        if (credentials.isPresent() && !url.startsWith("https://") && !LOOPBACK_HTTP.matcher(url).matches()) {
            throw KleiberException.badInput("remote credentials are sent over https only; the remote is " + url);
        }
        Path dir = clone.toAbsolutePath().normalize();
        RemoteGit remote = new RemoteGit(url, dir, timeout, credentials);
        if (!Files.isDirectory(dir.resolve(".git"))) {
            try {
                Files.createDirectories(dir.getParent());
            } catch (java.io.IOException e) {
                throw KleiberException.failed("cannot create " + dir.getParent() + ": " + e.getMessage(), e);
            }
            GitProcess.Result cloned = remote.run(dir.getParent(), List.of("clone", "--quiet", "--no-checkout", "--",
                    url, dir.toString()));
            if (cloned.exitCode() != 0) {
                throw KleiberException.failed("cannot clone the remote " + url + ": " + cloned.err().strip());
            }
        }
        return remote;
    }

    /** Refuses a URL with a password in it ({@code https://user:token@host/...}), naming where credentials go instead. */
    public static void requireNoSecretIn(String url) {
        Matcher userinfo = USERINFO.matcher(url);
        if (userinfo.find() && userinfo.group(1).contains(":")) {
            throw KleiberException.badInput("the remote URL carries a password; give the URL without it and the "
                    + "credentials with --remote-credentials FILE or $KLEIBER_REMOTE_USERNAME and $KLEIBER_REMOTE_PASSWORD");
        }
    }

    public String url() {
        return url;
    }

    public Path clone() {
        return clone;
    }

    /**
     * A fetch from the remote that failed: the network, the remote's host, a ref or worktree of the cache another
     * git process was changing. It usually passes when tried again, so a task's step that meets it is retried.
     */
    public static final class FetchFailed extends KleiberException {
        FetchFailed(String message) {
            super(message, FAILED);
        }
    }

    /**
     * Brings every branch and fence ref of the remote into the cache (deleted ones are dropped). Callers that add or
     * remove worktrees of the cache hold this object's monitor meanwhile: git checks every worktree's HEAD after a
     * fetch, and a worktree half added has none yet.
     *
     * @throws FetchFailed when git fails
     */
    public synchronized void fetch() {
        List<String> args = List.of("fetch", "--quiet", "--prune", "--no-tags", "--", url, "+refs/heads/*:" + BRANCHES + "*",
                "+refs/kleiber/*:" + FENCES + "*");
        GitProcess.Result result = run(args);
        if (result.exitCode() != 0) {
            throw new FetchFailed("git fetch in " + clone + " failed (exit " + result.exitCode() + "): " + result.err().strip());
        }
    }

    /** The commit a fetched remote ref ({@code BRANCHES + "main"}, a fence ref) points to, if it exists. */
    public Optional<String> commitOf(String ref) {
        GitProcess.Result result = run(List.of("rev-parse", "--verify", "--quiet", ref + "^{commit}"));
        return result.exitCode() == 0 ? Optional.of(result.out().strip()) : Optional.empty();
    }

    /** The message of {@code commit}. */
    public String message(String commit) {
        return check(List.of("log", "-1", "--format=%B", commit)).out().strip();
    }

    /**
     * Points the clone's local {@code branch} at the remote's as last fetched, or deletes it when the remote has none;
     * returns that commit. Hold this object's monitor when worktrees of the clone may be changing.
     */
    public Optional<String> track(String branch) {
        Optional<String> tip = commitOf(BRANCHES + branch);
        setRef("refs/heads/" + branch, tip);
        return tip;
    }

    /** Points the local {@code ref} at {@code commit}, or deletes it when empty. */
    public void setRef(String ref, Optional<String> commit) {
        if (commit.isPresent()) {
            check(List.of("update-ref", ref, commit.get()));
        } else if (commitOf(ref).isPresent()) {
            check(List.of("update-ref", "-d", ref));
        }
    }

    /** Checks {@code commit} out, detached, in the clone's own folder (what the project's settings are read from). */
    public synchronized void checkoutDetached(String commit) {
        check(List.of("checkout", "--quiet", "--force", "--detach", commit));
    }

    /** A commit of no files whose message is {@code text}: a fence token that git can compare on push. */
    public String token(String text) {
        return check(List.of("commit-tree", EMPTY_TREE, "-m", text)).out().strip();
    }

    /** One ref a push sets: {@code local} (a commit) to remote {@code ref}, if the remote still has {@code expected}. */
    public record Update(String local, String ref, Optional<String> expected) {
    }

    /** How a push ended: every ref moved, or none did because one had moved on the remote since it was read. */
    public sealed interface Push {
        record Pushed() implements Push {
        }

        record Refused(String reason) implements Push {
        }
    }

    /**
     * Pushes all {@code updates} at once or none ({@code --atomic}), each only if the remote ref still is what the
     * caller expects ({@code --force-with-lease}; empty expects no ref). A refusal is an answer, not an error.
     */
    public Push push(List<Update> updates) {
        List<String> args = new ArrayList<>(List.of("push", "--quiet", "--atomic", "--porcelain"));
        for (Update update : updates) {
            args.add("--force-with-lease=" + update.ref() + ":" + update.expected().orElse(""));
        }
        args.add("--");
        args.add(url);
        for (Update update : updates) {
            // no '+': a forced refspec would skip the lease check
            args.add(update.local() + ":" + update.ref());
        }
        GitProcess.Result pushed = run(args);
        if (pushed.exitCode() == 0) {
            return new Push.Pushed();
        }
        String detail = (pushed.out() + "\n" + pushed.err()).strip();
        // "cannot lock ref ... but expected": the remote's ref moved between git's lease check and its update (another
        // push landed in between), the same refusal as a stale lease
        if (detail.contains("stale info") || detail.contains("[rejected]") || detail.contains("atomic push failed")
                || detail.contains("fetch first") || detail.contains("cannot lock ref")) {
            return new Push.Refused(detail.lines().filter(l -> l.startsWith("!") || l.contains("rejected"))
                    .findFirst().orElse(detail.lines().findFirst().orElse("refused")).strip());
        }
        throw KleiberException.failed("git push to " + url + " failed (exit " + pushed.exitCode() + "): " + detail);
    }

    private GitProcess.Result check(List<String> args) {
        GitProcess.Result result = run(args);
        if (result.exitCode() != 0) {
            throw KleiberException.failed("git " + args.getFirst() + " in " + clone + " failed (exit "
                    + result.exitCode() + "): " + result.err().strip());
        }
        return result;
    }

    private GitProcess.Result run(List<String> args) {
        return run(clone, args);
    }

    private GitProcess.Result run(Path dir, List<String> args) {
        List<String> all = new ArrayList<>(TRANSPORT);
        if (LOOPBACK_HTTP.matcher(url).matches()) {
            // plain http only to this machine (a test's server, a local mirror); elsewhere git refuses it
            all.addAll(List.of("-c", "protocol.http.allow=always"));
        }
        all.addAll(args);
        return credentials.isPresent()
                ? GitProcess.runWithSecrets(dir, all, Optional.empty(), timeout, credentials.get().gitSettings())
                : GitProcess.run(dir, all, Optional.empty(), timeout);
    }
}
