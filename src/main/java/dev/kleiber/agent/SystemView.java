package dev.kleiber.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hardened part of every bubblewrap command line, shared by {@link SandboxProbe} and {@link CommandSandbox}:
 * every capability dropped, a non-root uid in a user namespace of its own that may not create further ones
 * (Kleiber may be root), every other namespace unshared (no network), and a filesystem built from an
 * allow-list: {@code /usr}, {@code /bin},
 * {@code /sbin} and {@code /lib*} and {@code /etc} read-only with the secrets of {@code /etc} hidden, fresh
 * {@code /proc} and {@code /dev} (read-only, a size-limited {@code /dev/shm}), a size-limited private
 * {@code /tmp}. Nothing else of the host is there until a caller binds it.
 */
final class SystemView {
    /** The command's uid and gid inside its namespace. */
    static final int SANDBOX_UID = 1000;
    private static final List<String> SYSTEM_DIRS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    /**
     * Secrets a readable {@code /etc} would show: password hashes, host keys, TLS private keys, keytabs, sudo rules,
     * and {@code /etc/environment}, where some images put tokens. The command's uid maps to Kleiber's, so when
     * Kleiber is root it could read root's 0600 files.
     */
    private static final List<String> ETC_SECRETS = List.of("shadow", "shadow-", "gshadow", "gshadow-",
            "security/opasswd", "ssl/private", "sudoers", "sudoers.d", "krb5.keytab", "environment", "ssh/ssh_host_*");

    private final Path root;

    /** @param root the host's root, {@code /} but in tests */
    SystemView(Path root) {
        this.root = root;
    }

    static SystemView host() {
        return new SystemView(Path.of("/"));
    }

    /** The arguments after the bwrap program, up to where the caller binds its own folders. */
    List<String> arguments(long tmpBytes) {
        List<String> args = new ArrayList<>(List.of(
                "--unshare-all", "--unshare-user", "--disable-userns", "--uid", String.valueOf(SANDBOX_UID), "--gid", String.valueOf(SANDBOX_UID),
                "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--hostname", "sandbox",
                "--ro-bind", root.resolve("usr").toString(), "/usr"));
        for (String dir : SYSTEM_DIRS) {
            Path path = root.resolve(dir);
            if (Files.isSymbolicLink(path)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), "/" + dir));
                } catch (IOException e) {
                    // An unreadable link is left out like a missing folder.
                }
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", path.toString(), "/" + dir));
            }
        }
        args.addAll(List.of("--ro-bind", root.resolve("etc").toString(), "/etc"));
        for (Path secret : etcSecrets()) {
            String inside = "/etc/" + root.resolve("etc").relativize(secret);
            if (Files.isDirectory(secret, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--tmpfs", inside, "--remount-ro", inside));
            } else {
                args.addAll(List.of("--ro-bind", "/dev/null", inside));
            }
        }
        String size = String.valueOf(tmpBytes);
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm",
                "--remount-ro", "/dev", "--size", size, "--tmpfs", "/tmp"));
        return args;
    }

    /**
     * The last mount argument: the sandbox's root (a tmpfs holding the mount points, writable by the command's
     * uid, and of no size limit) becomes read-only, so nothing can be written outside the mounts chosen.
     */
    static List<String> seal() {
        return List.of("--remount-ro", "/");
    }

    private List<Path> etcSecrets() {
        Path etc = root.resolve("etc");
        List<Path> found = new ArrayList<>();
        for (String secret : ETC_SECRETS) {
            if (secret.endsWith("*")) {
                Path dir = etc.resolve(secret).getParent();
                String prefix = Path.of(secret).getFileName().toString().replace("*", "");
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
                    entries.forEach(found::add);
                } catch (IOException e) {
                    // No such folder: nothing to hide.
                }
            } else if (Files.exists(etc.resolve(secret), LinkOption.NOFOLLOW_LINKS)) {
                found.add(etc.resolve(secret));
            }
        }
        return found;
    }
}
