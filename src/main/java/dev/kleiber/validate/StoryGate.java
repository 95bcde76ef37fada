package dev.kleiber.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The frontend role's gate "all components require Storybook stories": each component {@code X.tsx}
 * under {@code src/components/} or {@code src/frontend/} (or where {@code lint.components} and
 * {@code lint.stories} put them: {@code packages/*}{@code /src/components/}, ...; a PascalCase {@code .tsx} file that is not a
 * test, story or types file) needs {@code X.stories.tsx}, {@code .ts}, {@code .jsx}, {@code .js} or
 * {@code .mdx} in the same folder.
 */
final class StoryGate {
    private static final Pattern COMPONENT = Pattern.compile("(.+/)?[A-Z][A-Za-z0-9]*\\.tsx");
    private static final List<String> STORY_EXTENSIONS = List.of("tsx", "ts", "jsx", "js", "mdx");

    private StoryGate() {
    }

    static boolean isComponent(String path) {
        return isComponent(path, LintSettings.defaults());
    }

    static boolean isComponent(String path, LintSettings settings) {
        return COMPONENT.matcher(path).matches() && settings.needsStory(path);
    }

    /**
     * @param components the components to check, relative paths
     * @param exists     whether a file exists, by relative path
     */
    static List<Finding> check(List<String> components, Predicate<String> exists) {
        return check(components, exists, LintSettings.defaults());
    }

    static List<Finding> check(List<String> components, Predicate<String> exists, LintSettings settings) {
        List<Finding> findings = new ArrayList<>();
        for (String component : components) {
            if (!isComponent(component, settings)) {
                continue;
            }
            String base = component.substring(0, component.length() - ".tsx".length());
            boolean hasStory = STORY_EXTENSIONS.stream().anyMatch(ext -> exists.test(base + ".stories." + ext));
            if (!hasStory) {
                String fileName = base.substring(base.lastIndexOf('/') + 1);
                findings.add(new Finding(component, 0, Rule.GATE_STORY, "component '" + fileName
                        + "' has no Storybook story beside it (expected " + fileName + ".stories.tsx)"));
            }
        }
        return findings;
    }
}
