package dev.kleiber.cli;

import dev.kleiber.conductor.Planner;
import dev.kleiber.conductor.RepositoryOverview;
import dev.kleiber.config.AgentDefinition;
import dev.kleiber.config.ProjectLayout;
import dev.kleiber.git.GitRepository;
import dev.kleiber.routing.Roles;
import dev.kleiber.routing.Tier;

import java.io.PrintWriter;

/**
 * Planning a request, as {@code kleiber run} and {@code kleiber plan} both do it: the conductor drafts a plan
 * on the Opus tier's model and the architect reviews it on the same model, in bounded rounds. Every call goes
 * through the runtime's budget guard, so the ledger records it under {@code runId}.
 */
final class RequestPlanning {
    static final int MAX_REVIEWS = 2;

    private RequestPlanning() {
    }

    /** Plans {@code request}; tells {@code progress} who plans on which model and how the review went. */
    static Planner.Result plan(AgentRuntime runtime, String runId, String request, PrintWriter progress) {
        ProjectLayout layout = runtime.project.layout();
        String opus = runtime.project.settings().modelFor(Tier.OPUS);
        String conductorPrompt = runtime.project.agentOrBlueprint(Roles.CONDUCTOR).map(AgentDefinition::prompt).orElseThrow();
        String architectPrompt = runtime.project.agentOrBlueprint(Roles.ARCHITECT).map(AgentDefinition::prompt).orElseThrow();
        progress.println("planning: the conductor drafts a plan on " + opus + ", the architect reviews it");
        progress.flush();
        Planner.Result result = new Planner(runtime.client, opus, opus, runtime.project.roleScopes(), MAX_REVIEWS,
                runtime.project.settings().agent().maxOutputTokens()).plan(runId, request,
                RepositoryOverview.of(new GitRepository(layout.root(), layout.worktreesDir().resolve("_merge"))),
                conductorPrompt, architectPrompt);
        result.feedback().forEach(feedback -> progress.println("  architect asked for changes: " + feedback));
        progress.println("  plan approved after " + result.reviews() + " review round" + (result.reviews() == 1 ? "" : "s"));
        progress.flush();
        return result;
    }
}
