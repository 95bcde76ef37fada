package dev.kleiber.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every PromQL expression Kleiber ships: the Grafana dashboards' panel targets and the alert rules. */
final class DeployedQueries {
    /** {@code where} names the file and the panel or alert; {@code alert} marks a rule's expression. */
    record Query(String where, String expr, boolean alert) {
    }

    private DeployedQueries() {
    }

    static List<Query> all(Path deploy) throws IOException {
        List<Query> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (DirectoryStream<Path> dashboards = Files.newDirectoryStream(deploy.resolve("grafana"), "*.json")) {
            for (Path file : dashboards) {
                for (JsonNode panel : json.readTree(file.toFile()).path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        out.add(new Query(file.getFileName() + " panel '" + panel.path("title").asText() + "'",
                                target.path("expr").asText(), false));
                    }
                }
            }
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (DirectoryStream<Path> rules = Files.newDirectoryStream(deploy.resolve("prometheus"), "*-alerts.yml")) {
            for (Path file : rules) {
                for (JsonNode group : yaml.readTree(file.toFile()).path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        out.add(new Query(file.getFileName() + " alert " + rule.path("alert").asText(),
                                rule.path("expr").asText().strip(), true));
                    }
                }
            }
        }
        return out;
    }
}
