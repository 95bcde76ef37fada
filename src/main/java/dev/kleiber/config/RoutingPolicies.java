package dev.kleiber.config;

import dev.kleiber.routing.PolicyReader;
import dev.kleiber.routing.Router;
import dev.kleiber.routing.RoutingPolicy;

import java.nio.file.Files;
import java.util.Optional;

/** The routing policy in force: the bundled one, extended by the project's {@code .kleiber/policy.yaml}. */
public final class RoutingPolicies {
    private RoutingPolicies() {
    }

    /** The router of a project: its policy and its {@code review.sensitive_paths}. */
    public static Router router(ProjectConfig project) {
        return new Router(load(Optional.of(project.layout())), project.settings().routing().sensitivePaths());
    }

    public static RoutingPolicy load(Optional<ProjectLayout> layout) {
        PolicyReader reader = new PolicyReader();
        RoutingPolicy bundled = reader.bundled();
        return layout.filter(l -> Files.isRegularFile(l.policyFile()))
                .map(l -> reader.extend(bundled, l.readText(l.policyFile()), l.display(l.policyFile())))
                .orElse(bundled);
    }
}
