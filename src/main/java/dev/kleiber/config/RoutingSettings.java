package dev.kleiber.config;

import dev.kleiber.routing.Learning;
import dev.kleiber.routing.SensitivePaths;

/**
 * The routing settings of kleiber.yaml: {@code review.sensitive_paths} (paths whose change a person reviews) and
 * {@code routing.learning} (whether routing learns from this repository's outcomes).
 */
public record RoutingSettings(SensitivePaths sensitivePaths, Learning learning) {
    public static final RoutingSettings DEFAULTS = new RoutingSettings(SensitivePaths.DEFAULTS, Learning.DEFAULTS);
}
