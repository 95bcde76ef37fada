package dev.kleiber.validate;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blueprint's branch names, for branches in Kleiber's namespaces ({@code feature/}, {@code fix/},
 * {@code agent/}, in any letter case); other branches ({@code main}, {@code release/1.2}) are not
 * Kleiber's to judge. A task id is {@code [A-Za-z0-9][A-Za-z0-9._-]*} (as in task files) and may hold
 * hyphens, so {@code feature/{task-id}-{short-description}} is read as: something, a hyphen, and a
 * lower-case kebab description at the end. A name without a hyphen after the namespace has no room
 * for both parts.
 */
final class BranchNamingRules {
    private static final Pattern NAMESPACE = Pattern.compile("(?i)(feature|fix|agent)/(.*)");
    private static final Pattern TASK_BRANCH = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._]*(?:-[A-Za-z0-9._]+)*?-[a-z0-9]+(?:-[a-z0-9]+)*");
    private static final Pattern TASK_ID_START = Pattern.compile("([A-Za-z][A-Za-z0-9]*-[0-9]+)[-/_ ]?(.*)");
    private static final Pattern AGENT_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private BranchNamingRules() {
    }

    /** Whether Kleiber judges this branch's name at all. */
    static boolean inNamespace(String branch) {
        return NAMESPACE.matcher(branch).matches();
    }

    static Optional<Finding> check(String branch) {
        Matcher m = NAMESPACE.matcher(branch);
        if (!m.matches()) {
            return Optional.empty();
        }
        String namespace = m.group(1);
        String rest = m.group(2);
        String lower = namespace.toLowerCase(Locale.ROOT);
        String path = "refs/heads/" + branch;
        if (!namespace.equals(lower)) {
            return Optional.of(new Finding(path, 0, Rule.BRANCH_NAME, "branch '" + branch
                    + "' must start with lower-case '" + lower + "/'"));
        }
        if (lower.equals("agent")) {
            return AGENT_NAME.matcher(rest).matches() ? Optional.empty()
                    : Optional.of(new Finding(path, 0, Rule.BRANCH_NAME, "branch '" + branch
                    + "' must be agent/{agent-name} with a lower-case kebab agent name (e.g. agent/"
                    + kebab(rest.isEmpty() ? "engineer-backend" : rest) + ")"));
        }
        if (TASK_BRANCH.matcher(rest).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Finding(path, 0, Rule.BRANCH_NAME, "branch '" + branch + "' must be " + lower
                + "/{task-id}-{short-description} with a lower-case kebab description (e.g. " + lower + "/"
                + example(rest) + ")"));
    }

    /** The user's own words in the right shape, keeping a leading task id such as {@code feat-001}. */
    private static String example(String rest) {
        Matcher id = TASK_ID_START.matcher(rest);
        if (id.matches()) {
            return id.group(1) + "-" + (id.group(2).isBlank() ? "short-description" : kebab(id.group(2)));
        }
        return "feat-001-" + (rest.isEmpty() ? "short-description" : kebab(rest));
    }

    private static String kebab(String text) {
        String kebab = String.join("-", Names.words(text));
        return kebab.isEmpty() ? "name" : kebab;
    }
}
