package dev.kleiber.testutil;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The bundled sample Node project (the demo's bookshop) copied into a fresh git repository. */
public final class SampleShop {
    private SampleShop() {
    }

    /** A git repository at {@code dir} holding the sample's files, not yet committed. */
    public static Path copyTo(Path dir) {
        Path repo = GitRepos.init(dir);
        for (String file : files()) {
            Path target = repo.resolve(file);
            try (InputStream in = SampleShop.class.getResourceAsStream("/dev/kleiber/demo/sample/" + file)) {
                Files.createDirectories(target.getParent());
                Files.write(target, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return repo;
    }

    private static List<String> files() {
        try (InputStream list = SampleShop.class.getResourceAsStream("/dev/kleiber/demo/sample-files.txt")) {
            return new String(list.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
