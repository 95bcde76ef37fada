package dev.kleiber.server;

import dev.kleiber.store.StoreUrl;
import dev.kleiber.testutil.TestStores;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The API's contract with two servers on one PostgreSQL store, as blue and green share it during a switch: the rate
 * limit, the lockout and sessions hold across both, and events reach the streams of both.
 */
class ApiServerPostgresqlTest extends ApiServerContract {
    @Override
    Optional<StoreUrl> store(Path tmp) {
        return Optional.of(TestStores.fresh(TestStores.Kind.POSTGRESQL, tmp));
    }
}
