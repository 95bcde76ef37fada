package dev.kleiber.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backend role's gate "all endpoints require integration tests", by a heuristic that needs no
 * running server:
 * <ul>
 * <li>An endpoint is an Express-style call {@code RECEIVER.METHOD('/path', ...)} in a script under
 *     {@code src/backend/} or {@code src/services/} (or wherever {@code lint.endpoints} says), where METHOD is get, post, put, patch, delete, all,
 *     options or head, the path is a literal starting with {@code /}, and RECEIVER is {@code app},
 *     {@code router}, {@code server}, {@code api}, {@code routes}, {@code route} or a name ending in
 *     {@code Router}, {@code router} or {@code App} (so {@code axios.get('/x')} is not an endpoint); and
 *     each method chained on {@code RECEIVER.route('/path')}. Comments are ignored.</li>
 * <li>It is covered when some file under {@code tests/integration/} (or {@code lint.integration_tests}) mentions its path: literal segments
 *     as written, each {@code :param} as any value ({@code /users/42}, {@code /users/${id}}, or
 *     {@code '/users/' + id}), anything before it (a mount prefix such as {@code /api}) and nothing
 *     after it but the end of the path (a query string is fine). The method is not matched, and mount
 *     prefixes are not resolved; the root path {@code /} is covered by any mention of a path.</li>
 * </ul>
 */
final class EndpointGate {
    private static final String METHODS = "get|post|put|patch|delete|all|options|head";
    private static final Pattern ROUTE_CALL = Pattern.compile(
            "\\b([A-Za-z_$][\\w$]*)\\s*\\.\\s*(" + METHODS + ")\\s*\\(\\s*(['\"`])(/[^'\"`\\n]*)\\3");
    private static final Pattern ROUTE_CHAIN = Pattern.compile(
            "\\b([A-Za-z_$][\\w$]*)\\s*\\.\\s*route\\s*\\(\\s*(['\"`])(/[^'\"`\\n]*)\\2\\s*\\)");
    private static final Pattern CHAINED_METHOD = Pattern.compile("^\\s*\\.\\s*(" + METHODS + ")\\s*\\(");
    private static final Pattern RECEIVER = Pattern.compile("app|router|server|api|routes?|[\\w$]*(Router|router|App)");
    private static final Pattern SERVER_SCRIPT = Pattern.compile(".+\\.(ts|js|mjs|cjs)");
    /** Possessive: a value never gives back characters, so {@code /users/:id} does not match {@code /users/${u.id}/orders}. */
    private static final String PARAM_VALUE = "(?:[^/\\s'\"`?#]++|(?=['\"`]))";

    private EndpointGate() {
    }

    /** A server-side script wherever {@code lint.endpoints} says routes live; declaration files are not. */
    static boolean isServerScript(String path) {
        return SERVER_SCRIPT.matcher(path).matches() && !path.endsWith(".d.ts");
    }

    /** The endpoints declared in one source file. */
    static List<Endpoint> endpoints(String path, String source) {
        SourceText code = SourceText.javaScript(source, false);
        String text = code.text();
        List<Endpoint> endpoints = new ArrayList<>();
        Matcher call = ROUTE_CALL.matcher(text);
        while (call.find()) {
            if (RECEIVER.matcher(call.group(1)).matches() && !call.group(4).contains("${")) {
                endpoints.add(new Endpoint(call.group(2).toUpperCase(Locale.ROOT), call.group(4), path,
                        code.lineOf(call.start(2))));
            }
        }
        Matcher chain = ROUTE_CHAIN.matcher(text);
        while (chain.find()) {
            if (!RECEIVER.matcher(chain.group(1)).matches() || chain.group(3).contains("${")) {
                continue;
            }
            int at = chain.end();
            Matcher method;
            while ((method = CHAINED_METHOD.matcher(text.substring(at))).find()) {
                endpoints.add(new Endpoint(method.group(1).toUpperCase(Locale.ROOT), chain.group(3), path,
                        code.lineOf(at + method.start(1))));
                at = skipCall(text, at + method.end());
            }
        }
        endpoints.sort(java.util.Comparator.comparingInt(Endpoint::line));
        return endpoints;
    }

    /** The offset after the parenthesis that closes the call whose arguments start at {@code from}. */
    private static int skipCall(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return text.length();
    }

    /** Whether one of the integration tests' texts mentions the endpoint's path. */
    static boolean covered(Endpoint endpoint, List<String> testTexts) {
        Pattern mention = mention(endpoint.path());
        return testTexts.stream().anyMatch(text -> mention.matcher(text).find());
    }

    static Pattern mention(String routePath) {
        String trimmed = routePath.replaceAll("/+$", "");
        if (trimmed.isEmpty()) {
            return Pattern.compile("['\"`]/");
        }
        StringBuilder regex = new StringBuilder();
        for (String segment : trimmed.substring(1).split("/", -1)) {
            boolean optional = segment.endsWith("?");
            String core = optional ? segment.substring(0, segment.length() - 1) : segment;
            String part;
            if (core.startsWith(":")) {
                part = "/" + PARAM_VALUE;
            } else if (core.equals("*")) {
                part = "/[^\\s'\"`]*";
            } else {
                part = "/" + Pattern.quote(core);
            }
            regex.append(optional ? "(?:" + part + ")?" : part);
        }
        regex.append("(?![\\w-]|/[\\w:$])");
        return Pattern.compile(regex.toString());
    }

    static List<Finding> check(List<Endpoint> endpoints, List<String> testTexts) {
        return check(endpoints, testTexts, "tests/integration/");
    }

    /** {@code testsPlace} names where integration tests are looked for, in messages. */
    static List<Finding> check(List<Endpoint> endpoints, List<String> testTexts, String testsPlace) {
        List<Finding> findings = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (!covered(endpoint, testTexts)) {
                findings.add(new Finding(endpoint.file(), endpoint.line(), Rule.GATE_ENDPOINT_TEST, "endpoint "
                        + endpoint.method() + " " + endpoint.path()
                        + " has no integration test (no file under " + testsPlace + " mentions " + endpoint.path() + ")"));
            }
        }
        return findings;
    }
}
