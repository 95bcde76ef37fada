package dev.kleiber.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blueprint's file naming conventions, judged from a path relative to the repository root.
 * <ul>
 * <li>{@code file-test}: a script whose name says test or spec in another shape ({@code user_test.ts},
 *     {@code user-spec.js}, {@code user.tests.ts}, {@code userTest.ts} outside component folders) must be
 *     {@code user.test.ts} / {@code user.spec.ts}, when the file calls a test framework ({@code describe(},
 *     {@code it(}, {@code test(}) — so {@code install-test.js}, a module about an {@code install-test} command,
 *     or {@code get-dep-spec.js}, about a dependency spec, are left alone. Prefixes ({@code test-utils.ts}) and
 *     plurals in camelCase ({@code setupTests.ts}) name test helpers, not tests, and are never judged.</li>
 * <li>{@code file-types}: a {@code .ts} file named like types in another shape ({@code userTypes.ts},
 *     {@code user-types.ts}, {@code user_types.ts}, {@code user.type.ts}, {@code user.typings.ts}) must be
 *     {@code user.types.ts}; so must a file in a {@code types/} folder that declares only types
 *     ({@code types/article.ts} → {@code types/article.types.ts}). A bare {@code types.ts}, {@code index.ts}
 *     and {@code .d.ts} declaration files are left alone.</li>
 * <li>{@code file-component}: a {@code .tsx} file in a component folder ({@code src/components/**},
 *     {@code src/frontend/**}{@code /components/**}, {@code packages/*}{@code /src/components/**}, ... as
 *     {@code lint.components} sets them) must start PascalCase; {@code index.tsx}, hooks
 *     ({@code useX.tsx}), tests, stories and types files are not components.</li>
 * <li>{@code file-utility}: a {@code .ts} file under {@code src/} (or {@code packages/*}{@code /src/}, ... as
 *     {@code lint.utilities} sets them) must start camelCase; PascalCase is also
 *     accepted (a module named for its class) except in {@code utils/}, {@code util/}, {@code lib/} and
 *     {@code helpers/} folders. Names starting with a digit, {@code _}, {@code [}, {@code $} or {@code +}
 *     (migrations, framework routes) and files under a {@code migrations/} folder are not utilities.</li>
 * </ul>
 * Only the part of the name before its first dot is judged for case, so {@code user.routes.ts} is fine.
 */
final class FileNamingRules {
    private static final Set<String> SCRIPT_EXTENSIONS = Set.of("ts", "tsx", "js", "jsx", "mjs", "cjs");
    private static final Set<String> UTILITY_FOLDERS = Set.of("utils", "util", "lib", "helpers");
    private static final Pattern TEST_SUFFIX = Pattern.compile("(?i)(.+?)[._-](tests|specs)|(.+?)[_-](test|spec)");
    private static final Pattern TEST_CAMEL = Pattern.compile("(.*[a-z0-9])(Test|Spec)");
    private static final Pattern TYPES_SUFFIX = Pattern.compile("(.+?)(?:[-_]types?|(?<=[a-z0-9])Types)");
    private static final Pattern TEST_CALL = Pattern.compile("(?<![\\w$.])(describe|it|test)(\\.\\w+)*\\s*\\(");
    private static final Pattern HOOK = Pattern.compile("use[A-Z0-9].*");
    private static final Pattern DECLARES_TYPE = Pattern.compile("\\b(?:interface|type)\\s+[A-Za-z_$][\\w$]*");
    private static final Pattern DECLARES_VALUE = Pattern.compile(
            "\\b(?:function|class|const|let|var|enum)\\s|=>|\\bexport\\s+default\\b|\\bmodule\\.exports\\b");

    private FileNamingRules() {
    }

    /**
     * The findings for one file; {@code path} is relative to the repository root, with {@code /} separators,
     * and {@code content} is the file's text (read only for scripts whose name looks like a test's).
     */
    static List<Finding> check(String path, Supplier<String> content) {
        return check(path, content, LintSettings.defaults());
    }

    /** As {@link #check(String, Supplier)}, with component and utility folders where {@code settings} put them. */
    static List<Finding> check(String path, Supplier<String> content, LintSettings settings) {
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        int lastDot = fileName.lastIndexOf('.');
        if (lastDot <= 0) {
            return List.of();
        }
        String extension = fileName.substring(lastDot + 1);
        if (!SCRIPT_EXTENSIONS.contains(extension)) {
            return List.of();
        }
        String stem = fileName.substring(0, lastDot);
        String[] parts = stem.split("\\.", -1);
        String lastPart = parts[parts.length - 1].toLowerCase(Locale.ROOT);
        List<Finding> findings = new ArrayList<>();
        if (parts.length > 1 && (lastPart.equals("test") || lastPart.equals("spec"))) {
            return findings;
        }
        if (parts.length > 1 && (lastPart.equals("d") || lastPart.equals("stories") || lastPart.equals("story"))) {
            return findings;
        }
        boolean inComponentFolder = settings.isComponentFolder(path);
        Optional<String> testBase = testBase(stem, parts, inComponentFolder);
        if (testBase.isPresent() && TEST_CALL.matcher(SourceText.javaScript(content.get(), true).text()).find()) {
            findings.add(new Finding(path, 0, Rule.FILE_TEST, "test file '" + fileName + "' must be named "
                    + testBase.get() + ".test." + extension + " or " + testBase.get() + ".spec." + extension));
            return findings;
        }
        if (parts.length > 1 && lastPart.equals("types")) {
            return findings;
        }
        Optional<String> typesBase = extension.equals("ts") ? typesBase(stem, parts) : Optional.empty();
        if (typesBase.isPresent()) {
            findings.add(new Finding(path, 0, Rule.FILE_TYPES, "types file '" + fileName + "' must be named "
                    + typesBase.get() + ".types.ts"));
            return findings;
        }
        if (extension.equals("ts") && parts.length == 1 && !stem.equals("index") && inTypesFolder(path)
                && onlyTypes(content.get())) {
            findings.add(new Finding(path, 0, Rule.FILE_TYPES, "types file '" + fileName + "' in a types folder "
                    + "must be named " + stem + ".types.ts"));
            return findings;
        }
        String first = parts[0];
        if (first.isEmpty() || "_[$+".indexOf(first.charAt(0)) >= 0 || Character.isDigit(first.charAt(0))) {
            return findings;
        }
        if (extension.equals("tsx") && inComponentFolder) {
            if (!Names.isPascal(first) && !first.equals("index") && !HOOK.matcher(first).matches()) {
                findings.add(new Finding(path, 0, Rule.FILE_COMPONENT, "component file '" + fileName
                        + "' must be PascalCase.tsx (e.g. " + rename(fileName, first, Names.toPascal(first)) + ")"));
            }
        } else if (extension.equals("ts") && settings.isUtilityFolder(path) && !inMigrations(path)) {
            boolean strict = inUtilityFolder(path);
            if (!Names.isCamel(first) && (strict || !Names.isPascal(first))) {
                findings.add(new Finding(path, 0, Rule.FILE_UTILITY, "utility file '" + fileName
                        + "' must be camelCase.ts (e.g. " + rename(fileName, first, Names.toCamel(first)) + ")"));
            }
        }
        return findings;
    }

    private static Optional<String> testBase(String stem, String[] parts, boolean inComponentFolder) {
        Matcher suffix = TEST_SUFFIX.matcher(stem);
        if (suffix.matches()) {
            return Optional.of(suffix.group(1) != null ? suffix.group(1) : suffix.group(3));
        }
        if (parts.length == 1 && !inComponentFolder) {
            Matcher camel = TEST_CAMEL.matcher(stem);
            if (camel.matches()) {
                return Optional.of(camel.group(1));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> typesBase(String stem, String[] parts) {
        String lastPart = parts[parts.length - 1].toLowerCase(Locale.ROOT);
        if (parts.length > 1 && (lastPart.equals("type") || lastPart.equals("typings"))) {
            return Optional.of(stem.substring(0, stem.lastIndexOf('.')));
        }
        Matcher m = TYPES_SUFFIX.matcher(stem);
        return parts.length == 1 && m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static boolean inTypesFolder(String path) {
        String[] segments = path.split("/");
        return segments.length > 1 && segments[segments.length - 2].equals("types");
    }

    /** Declares types and nothing that runs: an interface or type alias, no function, class or value. */
    private static boolean onlyTypes(String source) {
        String code = SourceText.javaScript(source, true).text();
        return DECLARES_TYPE.matcher(code).find() && !DECLARES_VALUE.matcher(code).find();
    }

    private static boolean inUtilityFolder(String path) {
        String[] segments = path.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            if (UTILITY_FOLDERS.contains(segments[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean inMigrations(String path) {
        return ("/" + path).contains("/migrations/");
    }

    private static String rename(String fileName, String first, String replacement) {
        return replacement + fileName.substring(first.length());
    }
}
