package dev.kleiber.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files a team applies: the Kubernetes manifests render with {@code kubectl kustomize}, pass the
 * Kubernetes and Prometheus-operator schemas, and hold the properties the README promises (probes, non-root,
 * secrets only in Secrets, two colours behind one Service); the workflows pass actionlint; compose wires what
 * it says.
 */
class DeploymentManifestsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path K8S = ROOT.resolve("deploy/k8s");
    private static final Path CHECK = ROOT.resolve("deploy/check");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Tool KUBECTL = new Tool("kubectl");
    private static final Tool NODE = new Tool("node");

    @BeforeAll
    static void installCheckers() {
        NODE.requireInstalled();
        if (!Files.isDirectory(CHECK.resolve("node_modules"))) {
            Tool.Result ci = new Tool("npm").run(CHECK, List.of("npm", "ci", "--silent", "--no-audit", "--no-fund"));
            assertThat(ci.exitCode()).as("npm ci in deploy/check: %s", ci.output()).isZero();
        }
    }

    @Test
    void everyOverlayRendersAndPassesTheSchemas() throws IOException {
        for (String overlay : List.of("overlays/try-it", "overlays/production")) {
            String rendered = render(overlay);
            Tool.Result check = NODE.run(CHECK, List.of("node", "check-k8s.mjs"), rendered);
            assertThat(check.exitCode()).as("%s: %s", overlay, check.output()).isZero();
            assertThat(check.output()).contains("0 problems");
        }
    }

    @Test
    void serverPodsAreProbedNonRootAndBounded() throws IOException {
        List<JsonNode> objects = objects(render("overlays/try-it"));
        List<JsonNode> deployments = ofKind(objects, "Deployment");
        assertThat(deployments).extracting(d -> d.at("/metadata/name").asText())
                .containsExactlyInAnyOrder("kleiber-server-blue", "kleiber-server-green", "kleiber-worker");
        for (JsonNode deployment : deployments) {
            String name = deployment.at("/metadata/name").asText();
            JsonNode pod = deployment.at("/spec/template/spec");
            JsonNode container = pod.at("/containers/0");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(name).isTrue();
            assertThat(pod.at("/automountServiceAccountToken").asBoolean(true)).as(name).isFalse();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
            assertThat(container.at("/securityContext/capabilities/drop").toString()).as(name).contains("ALL");
            for (String bound : List.of("/resources/requests/cpu", "/resources/requests/memory",
                    "/resources/limits/cpu", "/resources/limits/memory")) {
                assertThat(container.at(bound).isMissingNode()).as("%s %s", name, bound).isFalse();
            }
            if (name.startsWith("kleiber-server-")) {
                assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(name).isEqualTo("/readyz");
                assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(name).isEqualTo("/healthz");
            }
        }
    }

    @Test
    void secretsLiveOnlyInSecrets() throws IOException {
        List<JsonNode> objects = objects(render("overlays/try-it"));
        for (JsonNode map : ofKind(objects, "ConfigMap")) {
            assertThat(map.at("/data").toString()).doesNotContain("ANTHROPIC_API_KEY", "postgresql://");
        }
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            assertThat(container.at("/env").toString()).doesNotContain("ANTHROPIC_API_KEY", "postgresql://");
            assertThat(container.at("/args").toString()).doesNotContain("postgresql://");
            assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo("kleiber-secrets");
        }
        assertThat(ofKind(objects, "Secret")).extracting(s -> s.at("/metadata/name").asText())
                .containsExactly("kleiber-secrets");
        // The production overlay creates no Secret: its values never sit in the repository.
        assertThat(ofKind(objects(render("overlays/production")), "Secret")).isEmpty();
    }

    @Test
    void oneServiceSelectsOneColourAndDisruptionsAreBudgeted() throws IOException {
        List<JsonNode> objects = objects(render("overlays/try-it"));
        JsonNode service = ofKind(objects, "Service").stream()
                .filter(s -> s.at("/metadata/name").asText().equals("kleiber")).findFirst().orElseThrow();
        assertThat(service.at("/spec/selector/kleiber.dev~1colour").asText()).isEqualTo("blue");
        assertThat(ofKind(objects, "PodDisruptionBudget")).hasSize(3);
        assertThat(ofKind(objects, "StatefulSet")).extracting(s -> s.at("/metadata/name").asText())
                .containsExactly("kleiber-postgres");
        List<JsonNode> monitoring = objects(render("overlays/production"));
        assertThat(ofKind(monitoring, "ServiceMonitor")).hasSize(2);
        assertThat(ofKind(monitoring, "PrometheusRule")).hasSize(1);
    }

    @Test
    void theOperatorsRulesAreTheShippedAlertRules() throws IOException {
        JsonNode shipped = YAML.readTree(ROOT.resolve("deploy/prometheus/kleiber-alerts.yml").toFile());
        JsonNode rule = ofKind(objects(render("overlays/production")), "PrometheusRule").getFirst();
        assertThat(rule.at("/spec/groups"))
                .as("deploy/k8s/components/monitoring/prometheusrule.yaml is stale: run sync-rules.sh beside it")
                .isEqualTo(shipped.at("/groups"));
    }

    @Test
    void workflowsPassActionlint() {
        Tool.Result lint = NODE.run(CHECK, List.of("node", "lint-workflows.mjs",
                ROOT.resolve(".github/workflows/ci.yml").toString(),
                ROOT.resolve("examples/github/kleiber.yml").toString()));
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("2 workflows checked, 0 problems");
    }

    @Test
    void composeRunsTheWholeSystemWithSecretsFromFiles() throws IOException {
        JsonNode compose = YAML.readTree(ROOT.resolve("deploy/compose/docker-compose.yml").toFile());
        List<String> services = new ArrayList<>();
        compose.at("/services").fieldNames().forEachRemaining(services::add);
        assertThat(services).containsExactlyInAnyOrder("postgres", "server", "worker-1", "worker-2", "prometheus", "grafana");
        assertThat(compose.toString()).doesNotContain("ANTHROPIC_API_KEY", "sk-ant");
        JsonNode scrape = YAML.readTree(ROOT.resolve("deploy/compose/prometheus.yml").toFile());
        assertThat(scrape.toString()).contains("server:8420", "worker-1:9420", "worker-2:9420");
        assertThat(ROOT.resolve("deploy/compose/.gitignore")).content().contains("kleiber.env");
    }

    @Test
    void scriptsParse() {
        Tool bash = new Tool("bash");
        for (String script : List.of("deploy/blue-green.sh", "deploy/image/entrypoint.sh", "deploy/image/build-local.sh",
                "deploy/k8s/components/monitoring/sync-rules.sh", "deploy/test/e2e-docker.sh")) {
            Tool.Result parsed = bash.run(ROOT, List.of("bash", "-n", script));
            assertThat(parsed.exitCode()).as("%s: %s", script, parsed.output()).isZero();
        }
    }

    @Test
    void theServerIsGivenMoreThanItsGracefulStopBeforeSigkill() throws IOException {
        long budget = dev.kleiber.cli.ServerProcess.STOP_BUDGET.toSeconds();
        for (String overlay : List.of("overlays/try-it", "overlays/production")) {
            for (JsonNode deployment : ofKind(objects(render(overlay)), "Deployment")) {
                if (deployment.at("/metadata/name").asText().startsWith("kleiber-server")) {
                    assertThat(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asLong())
                            .as("%s %s: terminationGracePeriodSeconds", overlay, deployment.at("/metadata/name").asText())
                            .isGreaterThan(budget);
                }
            }
        }
        JsonNode server = YAML.readTree(ROOT.resolve("deploy/compose/docker-compose.yml").toFile()).at("/services/server");
        assertThat(server.at("/stop_grace_period").asText()).as("compose server stop_grace_period").matches("\\d+s")
                .satisfies(grace -> assertThat(Long.parseLong(grace.replace("s", ""))).isGreaterThan(budget));
    }

    private static String render(String overlay) {
        KUBECTL.requireInstalled();
        Tool.Result result = KUBECTL.run(K8S, List.of("kubectl", "kustomize", overlay));
        assertThat(result.exitCode()).as("kubectl kustomize %s: %s", overlay, result.output()).isZero();
        return result.output();
    }

    private static List<JsonNode> objects(String rendered) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(rendered)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !(node instanceof MissingNode) && !node.isNull()) {
                    objects.add(node);
                }
            });
        }
        return objects;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.at("/kind").asText().equals(kind)).toList();
    }
}
