package dev.kleiber.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kleiber.server.ApiToken;
import dev.kleiber.server.ApiTokens;
import dev.kleiber.server.Scope;
import dev.kleiber.server.TokenJson;
import dev.kleiber.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code kleiber token}: the API's tokens — create (the secret is printed once), list, revoke. Creating and revoking are
 * recorded with who did it ({@code --by}, else {@code $USER}...), as the API records the token that did it.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Manage the tokens of `kleiber serve`'s API. The store keeps only a hash of each secret."},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "say what to do: kleiber token create | list | revoke");
    }

    static <T> T withTokens(CliContext context, Function<ApiTokens, T> work) {
        LedgerSettings settings = LedgerSettings.of(context, Optional.empty());
        try (Store store = Store.open(settings.store(), context.clock())) {
            return work.apply(new ApiTokens(store, context.clock()));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a token and print its secret (kl_...) once; only its hash is stored."})
    static final class Create implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what uses it (recorded with every decision).")
        String name;

        @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                description = "read (sees everything), approve (also decides reviews, questions, budget), admin (also tokens and runs).")
        String scope;

        @Option(names = "--expires", paramLabel = "DURATION", description = "How long it lasts, e.g. 30d or 12h (default: until revoked).")
        Optional<String> expires = Optional.empty();

        @Option(names = "--json", description = "Print {name, scope, createdAt, expiresAt, secret}.")
        boolean json;

        @Option(names = "--by", paramLabel = "NAME", description = "Who creates it, for the audit trail (default: $USER, else $LOGNAME, else the OS account).")
        Optional<String> by = Optional.empty();

        @Override
        public void run() {
            CliContext context = CliContext.of(spec);
            Scope parsed = Scope.parse(scope);
            Optional<Duration> lasts = expires.map(ApiTokens::expiry);
            String who = Decider.of(by, context).recorded();
            ApiTokens.Created created = withTokens(context, tokens -> tokens.create(name, parsed, lasts, who));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(TokenJson.of(created.token()).put("secret", created.secret())));
                return;
            }
            out.println("token " + name + " (" + parsed.id() + created.token().expiresAt()
                    .map(at -> ", expires " + at.truncatedTo(ChronoUnit.SECONDS)).orElse("") + "):");
            out.println(created.secret());
            out.println("Shown once: keep it in a password manager. Use it as 'Authorization: Bearer " + ApiTokens.PREFIX
                    + "...'.");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List the tokens: name, scope, created, expires, revoked."})
    static final class ListTokens implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print {tokens:[...]}.")
        boolean json;

        @Override
        public void run() {
            CliContext context = CliContext.of(spec);
            java.util.List<ApiToken> tokens = withTokens(context, ApiTokens::list);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode root = Json.object();
                ArrayNode array = root.putArray("tokens");
                tokens.forEach(t -> array.add(TokenJson.of(t)));
                out.println(Json.write(root));
                return;
            }
            if (tokens.isEmpty()) {
                out.println("no tokens; create one with `kleiber token create --name NAME --scope read`");
                return;
            }
            out.printf("%-24s %-8s %-20s %-20s %s%n", "NAME", "SCOPE", "CREATED", "EXPIRES", "REVOKED");
            for (ApiToken t : tokens) {
                out.printf("%-24s %-8s %-20s %-20s %s%n", t.name(), t.scope().id(), t.createdAt().truncatedTo(ChronoUnit.SECONDS),
                        t.expiresAt().map(at -> at.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("never"),
                        t.revokedAt().map(at -> at.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-"));
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke a token: it stops working at once on every server on the store, and its sessions end."})
    static final class Revoke implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--by", paramLabel = "NAME", description = "Who revokes it, for the audit trail (default: $USER, else $LOGNAME, else the OS account).")
        Optional<String> by = Optional.empty();

        @Override
        public void run() {
            CliContext context = CliContext.of(spec);
            String who = Decider.of(by, context).recorded();
            withTokens(context, tokens -> {
                tokens.revoke(name, who);
                return null;
            });
            spec.commandLine().getOut().println("token " + name + " revoked by " + who);
        }
    }
}
