package dev.kleiber.store;

import java.nio.file.Path;
import java.time.Clock;

/**
 * A process of {@link ConcurrentOpenTest}: waits until the file {@code args[1]} exists (so that all children
 * open at once), opens the store at {@code args[0]}, records the run {@code args[2]} and says OK.
 */
public final class OpenStoreChild {
    private OpenStoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[1]);
        while (!go.toFile().exists()) {
            Thread.sleep(2);
        }
        try (Store store = Store.open(new StoreUrl.Sqlite(Path.of(args[0])), Clock.systemUTC())) {
            store.runs().create(args[2], "opened at once");
        } catch (StoreException e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(1);
        }
        System.out.println("OK");
    }
}
