package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;
import dev.kleiber.store.Lease;
import dev.kleiber.store.LeaseKeeper;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The process the crash test kills: opens the store at {@code args[0]}, takes a budget lease of {@code args[1]}
 * milliseconds kept alive by heartbeats, reserves {@code args[2]} calls, says HELD, and waits to be killed.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Clock clock = Clock.systemUTC();
        Store store = Store.open(StoreUrl.parse(args[0], Path.of("/"), "argument"), clock);
        Duration ttl = Duration.ofMillis(Long.parseLong(args[1]));
        Lease lease = store.leases().acquire("crash-child", ttl);
        LeaseKeeper keeper = new LeaseKeeper(store.leases(), lease, ttl, e -> System.exit(3));
        BudgetGuard guard = new BudgetGuard(store, PriceTable.shipped(), BudgetLimits.DEFAULTS, clock, keeper.lease(),
                pause -> { });
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            guard.reserve(new CallContext("r1", "feat-" + i, 1, "engineer-backend", Tier.OPUS), "claude-opus-4-1",
                    100_000, 20_000); // $3.00 each
        }
        System.out.println("HELD");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
