package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.store.Store;
import dev.kleiber.store.StoreUrl;
import dev.kleiber.store.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code kleiber workers}: the live {@code kleiber worker} processes of a store. */
@Command(name = "workers", mixinStandardHelpOptions = true,
        description = {"List the live workers of the store: host, pid, slots, tags, the tasks each holds and its last heartbeat."})
final class WorkersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", paramLabel = "URL",
            description = "sqlite, sqlite:PATH or postgresql://user:pass@host:port/db (default: the repository's store).")
    Optional<String> store = Optional.empty();

    @Option(names = "--json", description = "Print one JSON document: {workers:[{holder,host,pid,slots,tags,remote,claims,heartbeatAt}]}.")
    boolean json;

    /** Who holds each task of {@code runId} at work now: a worker as {@code host pid N}, else the lease's holder. */
    static Map<String, String> heldBy(Store store, String runId) {
        Map<String, Workers.WorkerRecord> workers = new HashMap<>();
        store.workers().live().forEach(w -> workers.put(w.holder(), w));
        Map<String, String> out = new TreeMap<>();
        store.workers().holders(runId).forEach((task, holder) -> out.put(task, Optional.ofNullable(workers.get(holder))
                .map(w -> "worker on " + w.host() + " pid " + w.pid()).orElse(holder)));
        return out;
    }

    @Override
    public void run() {
        CliContext context = CliContext.of(spec);
        StoreUrl url = store.isPresent() ? StoreUrl.parse(store.get(), context.workingDir(), "--store")
                : LedgerSettings.of(context, Optional.empty()).store();
        try (Store opened = Store.open(url, context.clock())) {
            List<Workers.WorkerRecord> live = opened.workers().live();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode root = JsonNodeFactory.instance.objectNode();
                ArrayNode array = root.putArray("workers");
                for (Workers.WorkerRecord worker : live) {
                    ObjectNode node = array.addObject().put("holder", worker.holder()).put("host", worker.host())
                            .put("pid", worker.pid()).put("slots", worker.slots())
                            .put("remote", worker.remote())
                            .put("heartbeatAt", worker.heartbeatAt().toString());
                    worker.tags().stream().sorted().forEach(node.putArray("tags")::add);
                    worker.claims().forEach(node.putArray("claims")::add);
                }
                out.println(Json.write(root));
                return;
            }
            if (live.isEmpty()) {
                out.println("no live workers on " + url);
                return;
            }
            out.printf("%-20s %8s %5s %-16s %-20s %-32s %s%n", "HOST", "PID", "SLOTS", "TAGS", "LAST HEARTBEAT", "REMOTE",
                    "CLAIMS");
            for (Workers.WorkerRecord worker : live) {
                out.printf("%-20s %8d %5d %-16s %-20s %-32s %s%n", worker.host(), worker.pid(), worker.slots(),
                        worker.tags().isEmpty() ? "-" : String.join(",", worker.tags().stream().sorted().toList()),
                        worker.heartbeatAt().truncatedTo(ChronoUnit.SECONDS),
                        worker.remote().isEmpty() ? "-" : worker.remote(),
                        worker.claims().isEmpty() ? "-" : String.join(" ", worker.claims()));
            }
        }
    }
}
