package dev.kleiber.conductor;

import dev.kleiber.plan.Plan;
import dev.kleiber.plan.PlannedTask;
import dev.kleiber.plan.TaskIds;
import dev.kleiber.protocol.BlockType;
import dev.kleiber.protocol.FileChange;
import dev.kleiber.routing.Tier;
import dev.kleiber.store.Event;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The conductor's rules for blocked work, pure: who answers a blocked task (the conductor model, a fixed
 * resolution for a merge conflict, or a person once the conductor has answered it {@value #MAX_ANSWERS} times),
 * the shape of a resolution task, and the summary of what an attempt learnt that an escalation carries.
 */
final class Triage {
    /** The conductor answers a task at most this many times before only a person can unblock it. */
    static final int MAX_ANSWERS = 2;
    static final String ANSWER_EVENT = "conductor.answer";
    static final String RESOLVE_PREFIX = "resolve-";

    private Triage() {
    }

    /** Who answers: the conductor model, the fixed merge-conflict resolution, or (the bound reached) a person. */
    enum Route { CONDUCTOR, RESOLUTION, PERSON }

    /**
     * {@code events} are the run's; the conductor's answers count since a person was last asked, so a person's
     * blocked file after the question gets the conductor's answers anew.
     */
    static Route route(BlockType type, String taskId, List<Event> events) {
        if (answersSincePerson(taskId, events) >= MAX_ANSWERS) {
            return Route.PERSON;
        }
        if (type == BlockType.MERGE_CONFLICT) {
            // a resolution that itself conflicts needs a person: another resolution would only chase main
            return taskId.startsWith(RESOLVE_PREFIX) ? Route.PERSON : Route.RESOLUTION;
        }
        return Route.CONDUCTOR;
    }

    static int answersSincePerson(String taskId, List<Event> events) {
        int answers = 0;
        for (Event event : events) {
            if (event.taskId().equals(taskId) && event.kind().equals(ANSWER_EVENT)) {
                answers = event.detail().startsWith("ask_human") ? 0 : answers + 1;
            }
        }
        return answers;
    }

    /** The text of an answer event: {@code {answer-id}: {what it did}}. */
    static String eventDetail(BlockedAnswer answer, String what) {
        return answer.id() + ": " + what;
    }

    /** The question a person was last asked about each task, from the answers recorded in {@code events}. */
    static Optional<String> openQuestion(String taskId, List<Event> events) {
        Optional<String> question = Optional.empty();
        for (Event event : events) {
            if (event.taskId().equals(taskId) && event.kind().equals(ANSWER_EVENT)) {
                question = event.detail().startsWith("ask_human: ")
                        ? Optional.of(event.detail().substring("ask_human: ".length())) : Optional.empty();
            }
        }
        return question;
    }

    /** An id for the resolution task of {@code taskId} that {@code plan} does not use yet. */
    static String resolutionId(String taskId, Plan plan) {
        String base = resolutionBase(taskId);
        String id = base;
        for (int n = 2; plan.task(id).isPresent(); n++) {
            String suffix = "-" + n;
            id = base.substring(0, Math.min(base.length(), TaskIds.MAX_LENGTH - suffix.length())).replaceAll("-+$", "") + suffix;
        }
        return id;
    }

    /** The id a resolution of {@code taskId} has, or starts with followed by {@code -N} when that id was taken. */
    static String resolutionBase(String taskId) {
        String base = RESOLVE_PREFIX + taskId;
        return base.length() > TaskIds.MAX_LENGTH ? base.substring(0, TaskIds.MAX_LENGTH).replaceAll("-+$", "") : base;
    }

    /**
     * The resolution of a merge conflict: task {@code id} for the same agent, on a branch from the current main
     * into which Kleiber has merged the conflicting branch, conflict markers and all. When it merges, the original
     * task's commits reach main through it, so the original task counts as merged (the store records it with the
     * resolution's merge) and is never merged a second time; it waits for the resolution and then closes.
     */
    static Plan withResolution(Plan plan, PlannedTask original, String id, String originalBranch, List<String> files,
                               Tier tier) {
        String conflicts = String.join(", ", files);
        PlannedTask resolution = new PlannedTask(id, "Resolve merge conflict of " + original.id(), original.agent(),
                "Land the work of task " + original.id() + " (\"" + original.title() + "\", branch " + originalBranch
                        + ") on main. Merging it into the current main conflicted in: " + conflicts + ". Kleiber merged "
                        + originalBranch + " into this task's branch, which starts from the current main, and committed "
                        + "the conflicts as they are: those files contain git conflict markers (lines starting with "
                        + "<<<<<<<, ======= and >>>>>>>). Resolve every marked hunk so that both what main has now and "
                        + "what " + original.id() + " added hold, remove every marker, and keep the tests passing.\n\n"
                        + "What " + original.id() + " was asked to do: " + original.description(),
                concat(List.of("No conflict markers remain in " + conflicts), original.acceptance()),
                Optional.of("Resolution task for " + original.id() + ": the conductor made it when " + original.id()
                        + " could not merge." + original.context().map(c -> "\n\n" + c).orElse("")),
                original.constraints(), original.dependsOn(), original.priority(),
                new ArrayList<>(new LinkedHashSet<>(concat(files, original.files()))), Optional.of(tier), Optional.empty(),
                original.runner());
        List<PlannedTask> tasks = new ArrayList<>();
        for (PlannedTask task : plan.tasks()) {
            tasks.add(task.id().equals(original.id()) ? dependingOn(task, id) : task);
        }
        tasks.add(resolution);
        return new Plan(tasks);
    }

    private static PlannedTask dependingOn(PlannedTask task, String id) {
        Set<String> deps = new LinkedHashSet<>(task.dependsOn());
        deps.add(id);
        return task.withDependsOn(List.copyOf(deps));
    }

    /**
     * What an attempt that asked for a stronger model learnt, for the next attempt's task file: its reason, the
     * approach it stated, what it left on the branch and what its tools refused.
     */
    static String learnt(Tier tier, String reason, Optional<String> approach, List<FileChange> files,
                         Optional<String> commit, List<String> refusals) {
        StringBuilder text = new StringBuilder("A previous attempt on " + tier.id() + " asked for a stronger model.\n")
                .append("What it learnt: ").append(reason.strip()).append('\n');
        approach.filter(a -> !a.isBlank()).ifPresent(a -> text.append("Its approach: ").append(a.strip()).append('\n'));
        if (files.isEmpty()) {
            text.append("It left no changes on the branch.\n");
        } else {
            text.append("It left on the branch").append(commit.map(c -> " (" + c.substring(0, Math.min(12, c.length())) + ")")
                    .orElse("")).append(": ").append(String.join(", ", files.stream()
                    .map(f -> f.path() + " (" + f.change().id() + ")").toList()))
                    .append(". Build on it or replace it.\n");
        }
        if (!refusals.isEmpty()) {
            text.append("Its tools refused: ").append(String.join("; ", refusals.stream().limit(5).toList())).append('\n');
        }
        return text.toString().strip();
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
