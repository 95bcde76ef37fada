package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A reviewer's cache of a remote: beside a worker's, one review at a time in it, no credential in its name. */
class RemoteCacheTest {
    private static final String REMOTE = "https://ana@git.example/shop.git";

    @TempDir
    Path tmp;

    @Test
    void aReviewWaitsForAnotherOneInTheSameCloneAndGivesUpAfterItsPatience() throws Exception {
        RemoteCache cache = new RemoteCache(Optional.of(tmp), Optional::empty, Duration.ofMillis(300));
        assertThat(cache.reviewFolder(REMOTE)).isEqualTo(tmp.resolve("review").resolve(RemoteCache.folderOf(REMOTE)));
        assertThat(RemoteCache.folderOf(REMOTE)).matches("remote-[0-9a-f]{16}").doesNotContain("ana");

        try (RemoteCache.Lock held = cache.lock(REMOTE)) {
            // another thread of this process (a second API request) waits, then gives up with a clear message
            Throwable refused = CompletableFuture.supplyAsync(() -> catchThrowable(() -> cache.lock(REMOTE).close()))
                    .get(10, TimeUnit.SECONDS);
            assertThat(refused).isInstanceOf(KleiberException.class).hasMessageContaining("waited 0 s for another review");
        }
        // released: the next review takes it at once, and a waiting one gets it when it is let go
        RemoteCache patient = new RemoteCache(Optional.of(tmp), Optional::empty, Duration.ofSeconds(20));
        RemoteCache.Lock first = patient.lock(REMOTE);
        Thread waiting = Thread.ofVirtual().start(() -> patient.lock(REMOTE).close());
        Thread.sleep(200);
        assertThat(waiting.isAlive()).as("waits while the first holds it").isTrue();
        first.close();
        waiting.join(Duration.ofSeconds(10));
        assertThat(waiting.isAlive()).isFalse();
    }

    @Test
    void withoutACacheFolderAReviewOfARemoteRunSaysWhatToSet() {
        RemoteCache none = new RemoteCache(Optional.empty(), Optional::empty, Duration.ofSeconds(1));
        assertThatThrownBy(() -> none.lock(REMOTE)).isInstanceOf(KleiberException.class)
                .hasMessageContaining("set $XDG_CACHE_HOME or $HOME");
    }
}
