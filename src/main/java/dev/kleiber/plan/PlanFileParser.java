package dev.kleiber.plan;

import dev.kleiber.plan.DraftTask.Located;
import dev.kleiber.plan.DraftTask.Where;
import dev.kleiber.yaml.SafeYaml;
import dev.kleiber.yaml.YamlNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a plan file ({@code kleiber plan --from FILE}): YAML with a {@code tasks:} list. Every problem is
 * reported with its line; see {@link #TASK_KEYS} for the keys of a task. Pure: takes text, returns a plan.
 *
 * <pre>
 * tasks:
 *   - id: kyc-column
 *     title: Add KYC status column
 *     agent: engineer-backend
 *     description: Add a kyc_status column to user_accounts with a migration.
 *     acceptance: [Migration adds the column, Existing rows default to 'pending']
 *     depends_on: []
 *     priority: p1          # p0, p1 (the default) or p2
 *     model: sonnet         # optional: the planner's suggestion to the router
 *     runner: claude-code   # optional: who runs its sessions (kleiber or claude-code), over the role's runner:
 *     context: ...          # optional
 *     constraints: ...      # optional, a text or a list
 *     files: [src/db/migrations/]   # optional
 * </pre>
 */
public final class PlanFileParser {
    /** The keys a task may have; {@code id, title, agent, description, acceptance} are required. */
    public static final Set<String> TASK_KEYS = Set.of("id", "title", "agent", "description", "acceptance",
            "depends_on", "priority", "model", "context", "constraints", "files", "risk", "runner");
    private static final Set<String> TEXT_KEYS = Set.of("id", "title", "agent", "description", "priority", "model",
            "risk", "runner");
    private static final Set<String> LIST_KEYS = Set.of("acceptance", "depends_on", "files");
    // context and constraints: a text, or a list of texts that becomes bullet lines.

    private final SafeYaml yaml;
    private final RoleScopes scopes;

    /** {@code roles} are the agent roles a task may name (the project's, or the blueprint's). */
    public PlanFileParser(SafeYaml yaml, Set<String> roles) {
        this(yaml, RoleScopes.unchecked(roles));
    }

    /** Also refuses a task whose {@code files} its agent may not write, when the agent's write globs are known. */
    public PlanFileParser(SafeYaml yaml, RoleScopes scopes) {
        this.yaml = yaml;
        this.scopes = scopes;
    }

    /**
     * The plan in {@code text}; {@code source} names the file in messages. Throws {@link InvalidPlanException}
     * listing every problem, or a {@link dev.kleiber.KleiberException} when the text is not YAML at all.
     */
    public Plan parse(String text, String source) {
        YamlNode root = yaml.parse(text, source);
        PlanAssembler assembler = new PlanAssembler(scopes);
        List<DraftTask> drafts = new ArrayList<>();
        if (!(root instanceof YamlNode.Mapping mapping)) {
            assembler.problem(where(root), "a plan file must be a mapping with a 'tasks:' list; found " + root.describe());
            return assembler.assemble(drafts);
        }
        mapping.entries().forEach((key, value) -> {
            if (!key.equals("tasks")) {
                assembler.problem(where(value), "unknown key '" + key + "'; a plan file has only 'tasks'");
            }
        });
        YamlNode tasks = mapping.entries().get("tasks");
        if (tasks == null || tasks instanceof YamlNode.Scalar s && s.isNull()) {
            assembler.problem(where(root), "'tasks' is required: a list of tasks with " + keysText());
        } else if (!(tasks instanceof YamlNode.Sequence sequence)) {
            assembler.problem(where(tasks), "'tasks' must be a list; found " + tasks.describe());
        } else if (sequence.items().isEmpty()) {
            assembler.problem(where(tasks), "'tasks' is empty; a plan needs at least one task");
        } else {
            for (YamlNode item : sequence.items()) {
                if (item instanceof YamlNode.Mapping task) {
                    drafts.add(draft(task, assembler));
                } else {
                    assembler.problem(where(item), "each task must be a mapping with " + keysText() + "; found "
                            + item.describe());
                }
            }
        }
        return assembler.assemble(drafts);
    }

    private DraftTask draft(YamlNode.Mapping task, PlanAssembler assembler) {
        Map<String, Located> texts = new HashMap<>();
        Map<String, List<Located>> lists = new HashMap<>();
        Set<String> malformed = new HashSet<>();
        Map<String, Where> places = new HashMap<>();
        task.entries().forEach((key, value) -> {
            places.put(key, where(value));
            if (!TASK_KEYS.contains(key)) {
                assembler.problem(where(value), "unknown key '" + key + "'; expected one of " + keysText());
                return;
            }
            if (value instanceof YamlNode.Scalar s && s.isNull()) {
                return;
            }
            int before = assembler.problemCount();
            if (TEXT_KEYS.contains(key)) {
                text(key, value, assembler).ifPresent(v -> texts.put(key, v));
            } else if (LIST_KEYS.contains(key)) {
                lists.put(key, texts(key, value, assembler));
            } else if (value instanceof YamlNode.Sequence) {
                String bullets = String.join("\n", texts(key, value, assembler).stream()
                        .map(v -> "- " + v.value().strip()).toList());
                texts.put(key, new Located(bullets, where(value)));
            } else {
                text(key, value, assembler).ifPresent(v -> texts.put(key, v));
            }
            if (assembler.problemCount() > before) {
                malformed.add(key);
            }
        });
        Where where = task.get("id").map(PlanFileParser::where).orElse(where(task));
        return new DraftTask(where, texts, lists, malformed, places);
    }

    private static java.util.Optional<Located> text(String key, YamlNode value, PlanAssembler assembler) {
        if (value instanceof YamlNode.Scalar s && s.text().isPresent()) {
            return java.util.Optional.of(new Located(s.text().get(), where(value)));
        }
        assembler.problem(where(value), "'" + key + "' must be a text; found " + value.describe());
        return java.util.Optional.empty();
    }

    /** A list of texts; a single text counts as a list of one. */
    private static List<Located> texts(String key, YamlNode value, PlanAssembler assembler) {
        if (value instanceof YamlNode.Scalar) {
            return text(key, value, assembler).stream().toList();
        }
        if (value instanceof YamlNode.Sequence sequence) {
            List<Located> items = new ArrayList<>();
            for (YamlNode item : sequence.items()) {
                if (item instanceof YamlNode.Scalar s && s.text().isPresent()) {
                    items.add(new Located(s.text().get(), where(item)));
                } else {
                    assembler.problem(where(item), "each item of '" + key + "' must be a text; found " + item.describe());
                }
            }
            return items;
        }
        assembler.problem(where(value), "'" + key + "' must be a list of texts; found " + value.describe());
        return List.of();
    }

    private static Where where(YamlNode node) {
        return new Where(node.source() + " line " + node.line(), node.line(), "line " + node.line());
    }

    private static String keysText() {
        return String.join(", ", new TreeSet<>(TASK_KEYS));
    }
}
