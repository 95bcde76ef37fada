package dev.kleiber.routing;

/**
 * Why a routing decision came out as it did: a stable rule id ({@code forced.payments}, {@code role.default})
 * and the evidence, i.e. the words of the task or the hint that matched.
 */
public record Reason(String ruleId, String evidence) {
}
