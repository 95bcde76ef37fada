package dev.kleiber.server;

import dev.kleiber.store.StoreUrl;

import java.nio.file.Path;
import java.util.Optional;

/** The API's contract with two servers on the repository's own SQLite store. */
class ApiServerTest extends ApiServerContract {
    @Override
    Optional<StoreUrl> store(Path tmp) {
        return Optional.empty();
    }
}
