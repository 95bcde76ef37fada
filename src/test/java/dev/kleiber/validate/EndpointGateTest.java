package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointGateTest {
    private static final String FILE = "src/backend/routes/users.ts";

    @Test
    void findsExpressRoutes() {
        String source = """
                import { Router } from 'express';
                const router = Router();
                router.get('/users/:id', getUser);
                app.post("/users", createUser);
                usersRouter.delete(`/users/:id`, remove);
                adminApp.patch('/admin/settings', update);
                router.route('/orders')
                  .get(listOrders)
                  .post(validate(schema), createOrder);
                // router.get('/commented-out', x);
                axios.get('/not-an-endpoint');
                cache.get('/also-not');
                app.get('env');
                router.get(`/users/${id}`, x);
                """;
        assertThat(EndpointGate.endpoints(FILE, source)).containsExactly(
                new Endpoint("GET", "/users/:id", FILE, 3),
                new Endpoint("POST", "/users", FILE, 4),
                new Endpoint("DELETE", "/users/:id", FILE, 5),
                new Endpoint("PATCH", "/admin/settings", FILE, 6),
                new Endpoint("GET", "/orders", FILE, 8),
                new Endpoint("POST", "/orders", FILE, 9));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/users/:id|await request(app).get('/users/42')|true",
            "/users/:id|request(app).get(`/api/users/${user.id}`)|true",
            "/users/:id|request(app).get('/users/' + user.id)|true",
            "/users/:id|request(app).get('/users/:id')|true",
            "/users/:id|request(app).get('/users')|false",
            "/users/:id|request(app).get('/users/42/orders')|false",
            "/users|request(app).get('/users?page=2')|true",
            "/users|request(app).get('/api/v1/users')|true",
            "/users|request(app).get('/users-export')|false",
            "/users|request(app).get('/users/42')|false",
            "/users|request(app).get('/userstats')|false",
            "/users/:id/orders/:orderId|get('/users/1/orders/2')|true",
            "/files/:name?|get('/files')|true",
            "/files/:name?|get('/files/a.txt')|true",
            "/|get('/')|true",
            "/|nothing here|false",
            "/health/|get('/health')|true"})
    void anEndpointIsCoveredWhenATestMentionsItsPath(String path, String test, boolean covered) {
        assertThat(EndpointGate.covered(new Endpoint("GET", path, FILE, 1), List.of(test))).isEqualTo(covered);
    }

    @Test
    void uncoveredEndpointsAreFindings() {
        List<Endpoint> endpoints = List.of(new Endpoint("GET", "/users/:id", FILE, 3), new Endpoint("POST", "/orders", FILE, 9));
        assertThat(EndpointGate.check(endpoints, List.of("it('gets', () => request(app).get('/users/7'))")))
                .extracting(Finding::render).containsExactly("src/backend/routes/users.ts:9: [gate-endpoint-test] endpoint "
                        + "POST /orders has no integration test (no file under tests/integration/ mentions /orders)");
        assertThat(EndpointGate.check(endpoints, List.of())).hasSize(2);
    }

    @Test
    void backendSourcesAreScriptsUnderBackendOrServices() {
        LintSettings settings = LintSettings.defaults();
        assertThat(settings.isEndpointSource("src/backend/app.ts") && EndpointGate.isServerScript("src/backend/app.ts")).isTrue();
        assertThat(settings.isEndpointSource("src/services/users/routes.js")).isTrue();
        assertThat(settings.isEndpointSource("src/frontend/api.ts")).isFalse();
        assertThat(EndpointGate.isServerScript("src/backend/types.d.ts")).isFalse();
        assertThat(EndpointGate.isServerScript("src/backend/README.md")).isFalse();
    }
}
