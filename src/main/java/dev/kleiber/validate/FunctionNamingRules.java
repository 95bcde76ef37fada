package dev.kleiber.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blueprint's function naming conventions, applied to functions declared in a script
 * ({@code function name(}, {@code const name = (...) =>}, {@code const name = function}); class and
 * object methods are not judged. Comments and strings are ignored. A name is judged only when its
 * shape says what the function is, so that ordinary names never trip a rule:
 * <ul>
 * <li>{@code fn-handler}: {@code onSubmitHandler}, {@code submitHandler}, {@code handlerSubmit},
 *     {@code handle_submit}, and a function declared as {@code onSubmit} (the prop's name, not the handler's)
 *     → {@code handleSubmit}; framework entry points such as {@code onRequest} are left alone. Factories and wrappers ({@code createHandler},
 *     {@code asyncHandler}, {@code withHandler}, ...) and a bare {@code handler} are left alone.</li>
 * <li>{@code fn-fetcher}: {@code fetch_users} and {@code usersFetcher} → {@code fetchUsers}; and
 *     {@code getUsers}, {@code loadUsers}, {@code retrieveUsers}, {@code requestUsers}, {@code queryUsers}
 *     when their body calls {@code fetch(}, axios, ky, superagent or XMLHttpRequest. A bare
 *     {@code fetcher} (the SWR idiom) is left alone.</li>
 * <li>{@code fn-validator}: {@code emailValidator}, {@code validatorEmail}, {@code checkEmailValid(ity)},
 *     {@code validate_email} → {@code validateEmail}. Predicates ({@code isValidEmail}) are the idiom for
 *     boolean checks and type guards and are left alone.</li>
 * <li>{@code fn-transformer}: {@code convertApiToModel}, {@code transformApiToModel},
 *     {@code mapApiToModel}, {@code translateApiToModel}, {@code fromApiToModel}, {@code api_to_model} →
 *     {@code apiToModel}. Redux's {@code mapStateToProps} and {@code mapDispatchToProps} are left alone.</li>
 * </ul>
 */
final class FunctionNamingRules {
    private static final String NAME = "([A-Za-z_$][\\w$]*)";
    private static final Pattern FUNCTION_DECLARATION = Pattern.compile(
            "\\bfunction\\s*\\*?\\s*" + NAME + "\\s*(?:<[^>(]*>)?\\s*\\(");
    private static final Pattern FUNCTION_VARIABLE = Pattern.compile(
            "\\b(?:const|let|var)\\s+" + NAME + "\\s*(?::[^=;]+)?=\\s*(?:async\\b\\s*)?"
                    + "(?:function\\b|\\([^)]*\\)\\s*(?::(?:(?!=>)[\\s\\S]){1,400}?)?=>|[A-Za-z_$][\\w$]*\\s*=>|<[^>(]*>\\s*\\()");

    /** First words that make {@code xHandler} a function acting on a handler, not a handler for event x. */
    private static final Set<String> FACTORY_PREFIXES = Set.of("create", "make", "build", "get", "use", "with",
            "register", "add", "set", "remove", "wrap", "async", "default", "new", "init", "compose", "validate",
            "check", "is", "has", "assert", "ensure", "normalize", "parse", "find", "resolve", "load", "invoke", "call",
            "run", "attach", "detach", "bind", "install", "apply", "to", "as", "from", "unregister", "base", "noop");

    private static final Pattern ON_HANDLER = Pattern.compile("on([A-Z][\\w$]*)Handler");
    /** {@code const onSubmit = () => ...}: a prop's name, given to the function that handles it. */
    private static final Pattern ON_EVENT = Pattern.compile("on([A-Z][\\w$]*)");
    /** Names frameworks require a module to export (Cloudflare Pages Functions, SvelteKit hooks). */
    private static final Pattern FRAMEWORK_ON = Pattern.compile("onRequest\\w*|onError");
    private static final Pattern SUFFIX_HANDLER = Pattern.compile("([a-z][a-z0-9]*)([\\w$]*)Handler");
    private static final Pattern HANDLER_PREFIX = Pattern.compile("handler([A-Z][\\w$]*)");
    private static final Pattern SNAKE_HANDLE = Pattern.compile("handle_([a-z][\\w$]*)");

    private static final Pattern SNAKE_FETCH = Pattern.compile("fetch_([a-z][\\w$]*)");
    private static final Pattern SUFFIX_FETCHER = Pattern.compile("([a-z][a-z0-9]*)([\\w$]*)Fetcher");
    private static final Pattern GETTER = Pattern.compile("(?:get|load|retrieve|request|query)([A-Z][\\w$]*)");
    /** A call, not a mention: {@code axios.get(}, {@code axios(}; an import or a type named after axios is not one. */
    private static final Pattern HTTP_CALL = Pattern.compile("\\bfetch\\s*\\(|\\baxios\\s*(?:\\.\\s*\\w+\\s*)?\\("
            + "|\\bky\\s*[.(]|\\bsuperagent\\s*[.(]|\\bnew\\s+XMLHttpRequest\\b");

    private static final Pattern SUFFIX_VALIDATOR = Pattern.compile("([a-z][a-z0-9]*)([\\w$]*)Validator");
    private static final Pattern VALIDATOR_PREFIX = Pattern.compile("validator([A-Z][\\w$]*)");
    private static final Pattern CHECK_VALID = Pattern.compile("check([A-Z][\\w$]*?)(?:Valid|Validity)");
    private static final Pattern SNAKE_VALIDATE = Pattern.compile("validate_([a-z][\\w$]*)");

    private static final Pattern VERB_TO = Pattern.compile(
            "(?:convert|transform|map|translate|from)([A-Z][a-z0-9][\\w$]*?)To([A-Z][\\w$]*)");
    private static final Pattern SNAKE_TO = Pattern.compile("([a-z][a-z0-9]*)_to_([a-z][a-z0-9_]*)");
    private static final Set<String> FRAMEWORK_NAMES = Set.of("mapStateToProps", "mapDispatchToProps");

    private FunctionNamingRules() {
    }

    static List<Finding> check(String path, String source) {
        SourceText code = SourceText.javaScript(source, true);
        List<Finding> findings = new ArrayList<>();
        for (Pattern declaration : List.of(FUNCTION_DECLARATION, FUNCTION_VARIABLE)) {
            Matcher m = declaration.matcher(code.text());
            while (m.find()) {
                String name = m.group(1);
                judge(name, body(code.text(), m.end(1)))
                        .ifPresent(f -> findings.add(new Finding(path, code.lineOf(m.start(1)), f.rule(), f.message())));
            }
        }
        findings.sort(null);
        return findings;
    }

    /** A rule and message for a misnamed function, without its place. */
    record Verdict(Rule rule, String message) {
    }

    static Optional<Verdict> judge(String name, Supplier<String> body) {
        if (FRAMEWORK_NAMES.contains(name)) {
            return Optional.empty();
        }
        Matcher m;
        if ((m = ON_HANDLER.matcher(name)).matches()) {
            return handler(name, m.group(1));
        }
        if ((m = HANDLER_PREFIX.matcher(name)).matches() || (m = SNAKE_HANDLE.matcher(name)).matches()) {
            return handler(name, m.group(1));
        }
        if ((m = ON_EVENT.matcher(name)).matches() && !FRAMEWORK_ON.matcher(name).matches()) {
            return handler(name, m.group(1));
        }
        if ((m = SUFFIX_HANDLER.matcher(name)).matches() && !name.startsWith("handle")
                && !FACTORY_PREFIXES.contains(m.group(1))) {
            return handler(name, m.group(1) + m.group(2));
        }
        if ((m = SNAKE_FETCH.matcher(name)).matches()) {
            return fetcher(name, m.group(1));
        }
        if ((m = SUFFIX_FETCHER.matcher(name)).matches() && !FACTORY_PREFIXES.contains(m.group(1))) {
            return fetcher(name, m.group(1) + m.group(2));
        }
        if ((m = GETTER.matcher(name)).matches() && HTTP_CALL.matcher(body.get()).find()) {
            return Optional.of(new Verdict(Rule.FN_FETCHER, "function '" + name
                    + "' fetches over HTTP: name it fetch{Resource} (e.g. fetch" + Names.capitalize(m.group(1)) + ")"));
        }
        if ((m = VALIDATOR_PREFIX.matcher(name)).matches() || (m = CHECK_VALID.matcher(name)).matches()
                || (m = SNAKE_VALIDATE.matcher(name)).matches()) {
            return validator(name, m.group(1));
        }
        if ((m = SUFFIX_VALIDATOR.matcher(name)).matches() && !FACTORY_PREFIXES.contains(m.group(1))) {
            return validator(name, m.group(1) + m.group(2));
        }
        if ((m = VERB_TO.matcher(name)).matches() || (m = SNAKE_TO.matcher(name)).matches()) {
            String suggestion = Names.toCamel(m.group(1)) + "To" + Names.toPascal(m.group(2));
            return Optional.of(new Verdict(Rule.FN_TRANSFORMER, "transformer '" + name
                    + "' must be named {from}To{To} (e.g. " + suggestion + ")"));
        }
        return Optional.empty();
    }

    private static Optional<Verdict> handler(String name, String event) {
        return Optional.of(new Verdict(Rule.FN_HANDLER, "handler '" + name
                + "' must be named handle{Event} (e.g. handle" + Names.toPascal(event) + ")"));
    }

    private static Optional<Verdict> fetcher(String name, String resource) {
        return Optional.of(new Verdict(Rule.FN_FETCHER, "fetcher '" + name
                + "' must be named fetch{Resource} (e.g. fetch" + Names.toPascal(resource) + ")"));
    }

    private static Optional<Verdict> validator(String name, String thing) {
        return Optional.of(new Verdict(Rule.FN_VALIDATOR, "validator '" + name
                + "' must be named validate{Thing} (e.g. validate" + Names.toPascal(thing) + ")"));
    }

    /**
     * The function's text from its name: up to the brace closing its block body, or for an expression
     * body, up to the first semicolon or line break at depth 0 once the expression has begun.
     */
    private static Supplier<String> body(String code, int from) {
        return () -> {
            int depth = 0;
            boolean arrowSeen = false;
            boolean expressionStarted = false;
            for (int i = from; i < code.length(); i++) {
                char c = code.charAt(i);
                switch (c) {
                    case '(', '[' -> depth++;
                    case ')' -> {
                        if (--depth == 0 && !arrowSeen && !expressionStarted) {
                            // A return type may hold braces of its own (Promise<{ tags: string[] }>): skip it whole.
                            int next = nextNonSpace(code, i + 1);
                            if (next < code.length() && code.charAt(next) == ':') {
                                i = TypeAnnotation.end(code, next) - 1;
                                continue;
                            }
                        }
                    }
                    case ']' -> depth--;
                    case '{' -> {
                        if (depth == 0 && !expressionStarted) {
                            return code.substring(from, closingBrace(code, i));
                        }
                        depth++;
                    }
                    case '}' -> {
                        if (--depth < 0) {
                            return code.substring(from, i);
                        }
                    }
                    case ';' -> {
                        if (depth == 0) {
                            return code.substring(from, i);
                        }
                    }
                    case '\n' -> {
                        if (depth == 0 && expressionStarted) {
                            return code.substring(from, i);
                        }
                    }
                    case '=' -> {
                        if (i + 1 < code.length() && code.charAt(i + 1) == '>' && depth == 0) {
                            arrowSeen = true;
                            i++;
                            continue;
                        }
                    }
                    default -> {
                    }
                }
                if (arrowSeen && depth == 0 && !Character.isWhitespace(c) && c != '{') {
                    expressionStarted = true;
                }
                if (arrowSeen && depth > 0) {
                    expressionStarted = true;
                }
            }
            return code.substring(from);
        };
    }

    private static int nextNonSpace(String code, int from) {
        int i = from;
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int closingBrace(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        return code.length();
    }
}
