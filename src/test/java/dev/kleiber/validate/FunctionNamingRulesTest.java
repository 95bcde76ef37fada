package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionNamingRulesTest {
    private static List<String> findings(String source) {
        return FunctionNamingRules.check("src/app.ts", source).stream().map(Finding::render).toList();
    }

    @ParameterizedTest
    @CsvSource({"onSubmitHandler,handleSubmit", "submitHandler,handleSubmit", "errorHandler,handleError",
            "handlerClick,handleClick", "handle_submit,handleSubmit", "notFoundHandler,handleNotFound"})
    void misnamedHandlers(String name, String expected) {
        assertThat(findings("export function " + name + "(e) { e.preventDefault(); }"))
                .containsExactly("src/app.ts:1: [fn-handler] handler '" + name + "' must be named handle{Event} (e.g. "
                        + expected + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"handleSubmit", "handler", "createHandler", "asyncHandler", "withHandler",
            "handleClickHandler", "useHandler", "getHandler", "validateHandler", "isHandler", "registerHandler"})
    void handlersThatAreFine(String name) {
        assertThat(findings("const " + name + " = (e) => e;")).isEmpty();
    }

    @Test
    void gettersThatFetchOverHttpAreFetchers() {
        String source = """
                export async function getUsers() {
                  const response = await fetch('/api/users');
                  return response.json();
                }
                export const loadOrders = async (id: string): Promise<Order[]> => {
                  const { data } = await axios.get(`/api/orders/${id}`);
                  return data;
                };
                const retrieveInvoices = () =>
                  ky.get('/api/invoices').json();
                """;
        assertThat(findings(source)).containsExactly(
                "src/app.ts:1: [fn-fetcher] function 'getUsers' fetches over HTTP: name it fetch{Resource} (e.g. fetchUsers)",
                "src/app.ts:5: [fn-fetcher] function 'loadOrders' fetches over HTTP: name it fetch{Resource} (e.g. fetchOrders)",
                "src/app.ts:9: [fn-fetcher] function 'retrieveInvoices' fetches over HTTP: name it fetch{Resource} "
                        + "(e.g. fetchInvoices)");
    }

    @Test
    void gettersThatDoNotFetchAreFine() {
        String source = """
                export function getTotal(items) { return items.reduce((a, b) => a + b, 0); }
                const getUser = (id) => users.find(u => u.id === id)
                function fetchPosts() { return fetch('/posts'); }
                // function getComments() { return fetch('/comments'); }
                const getLabel = () => "fetch(everything)";
                function getCached(key) { return fetchUsers(key); }
                export const fetcher = (url) => fetch(url).then(r => r.json());
                """;
        assertThat(findings(source)).isEmpty();
    }

    @Test
    void anExpressionBodyEndsAtItsLine() {
        String source = """
                const getCount = () => items.length
                async function fetchItems() { return fetch('/items'); }
                """;
        assertThat(findings(source)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"fetch_users,fetchUsers", "usersFetcher,fetchUsers"})
    void misshapenFetchers(String name, String expected) {
        assertThat(findings("function " + name + "() {}"))
                .containsExactly("src/app.ts:1: [fn-fetcher] fetcher '" + name + "' must be named fetch{Resource} (e.g. "
                        + expected + ")");
    }

    @ParameterizedTest
    @CsvSource({"emailValidator,validateEmail", "validatorEmail,validateEmail",
            "checkEmailValid,validateEmail", "checkPasswordValidity,validatePassword", "validate_email,validateEmail"})
    void misnamedValidators(String name, String expected) {
        assertThat(findings("const " + name + " = (value: string): boolean => value.length > 0;"))
                .containsExactly("src/app.ts:1: [fn-validator] validator '" + name + "' must be named validate{Thing} "
                        + "(e.g. " + expected + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"validateEmail", "createValidator", "isValid", "isEmail", "checkEmail", "validate",
            "isValidEmail", "isValidHTTPToken"})
    void validatorsThatAreFine(String name) {
        assertThat(findings("function " + name + "(v) { return !!v; }")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"convertApiToModel,apiToModel", "transformUserToDto,userToDto", "mapRowToEntity,rowToEntity",
            "fromApiToModel,apiToModel", "api_to_model,apiToModel", "translateCsvToJson,csvToJson"})
    void misnamedTransformers(String name, String expected) {
        assertThat(findings("export function " + name + "(x) { return x; }"))
                .containsExactly("src/app.ts:1: [fn-transformer] transformer '" + name + "' must be named {from}To{To} "
                        + "(e.g. " + expected + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"apiToModel", "mapStateToProps", "mapDispatchToProps", "scrollToTop", "goToPage",
            "addToCart", "convertToJson", "mapUsers", "getOAuth2Token"})
    void transformersAndOtherNamesThatAreFine(String name) {
        assertThat(findings("function " + name + "(x) { return x; }")).isEmpty();
    }

    @Test
    void recognisesTheDeclarationForms() {
        String source = """
                function submitHandler() {}
                export default async function clickHandler() {}
                const keyHandler = function () {};
                let dropHandler = async (event: DragEvent) => {};
                var blurHandler = e => e;
                const hoverHandler = async e => e;
                export const focusHandler: Handler = (e) => e;
                const genericHandler = <T,>(value: T) => value;
                function* scrollHandler() {}
                """;
        assertThat(FunctionNamingRules.check("a.ts", source)).extracting(Finding::line)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void ignoresCommentsStringsAndMethods() {
        String source = """
                // function submitHandler() {}
                /* const clickHandler = () => {} */
                const text = "function keyHandler() {}";
                const template = `const dropHandler = () => ${value}`;
                class Form {
                  submitHandler() {}
                }
                const handlers = { clickHandler: () => {} };
                const userValidator = z.object({ email: z.string() });
                """;
        assertThat(findings(source)).isEmpty();
    }

    @Test
    void reportsTheLineOfTheName() {
        String source = "import x from 'y';\n\n/* a\n comment */\nexport const\n  emailValidator = (v) => true;\n";
        assertThat(findings(source)).containsExactly(
                "src/app.ts:6: [fn-validator] validator 'emailValidator' must be named validate{Thing} (e.g. validateEmail)");
    }
}
