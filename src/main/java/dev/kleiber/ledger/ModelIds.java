package dev.kleiber.ledger;

import dev.kleiber.routing.Tier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a Claude model id says about itself: its family (the tier it fits) and its version. Ids name the family as
 * a word ({@code claude-opus-5-5}, {@code claude-3-5-haiku-20241022}) and the version as the numbers before any
 * {@code -YYYYMMDD} snapshot date, so "newest of a family" needs no table of release dates.
 */
public final class ModelIds {
    /** The value of a tier in kleiber.yaml that means "the newest model of this family the API lists". */
    public static final String LATEST = "latest";

    private static final Pattern SNAPSHOT = Pattern.compile("-\\d{8}$");

    /** Newest first: higher version, then a dated snapshot after the undated alias of the same version. */
    public static final Comparator<String> NEWEST_FIRST = Comparator.<String, List<Integer>>comparing(ModelIds::version,
            ModelIds::compareVersions).thenComparing(ModelIds::snapshotDate).reversed();

    private ModelIds() {
    }

    /** The tier whose family the id names, e.g. {@code claude-sonnet-5-5} is a Sonnet. */
    public static Optional<Tier> family(String modelId) {
        for (String word : modelId.split("[-.@:/]")) {
            for (Tier tier : Tier.values()) {
                if (word.equals(tier.id())) {
                    return Optional.of(tier);
                }
            }
        }
        return Optional.empty();
    }

    /** The id without a {@code -YYYYMMDD} snapshot suffix. */
    public static String undated(String modelId) {
        return SNAPSHOT.matcher(modelId).replaceFirst("");
    }

    /** The version numbers of the id: {@code [5, 5]} for claude-opus-5-5, {@code [3, 5]} for claude-3-5-haiku. */
    static List<Integer> version(String modelId) {
        List<Integer> numbers = new ArrayList<>();
        for (String word : undated(modelId).split("-")) {
            if (word.matches("\\d{1,3}")) {
                numbers.add(Integer.parseInt(word));
            }
        }
        return numbers;
    }

    private static String snapshotDate(String modelId) {
        return modelId.equals(undated(modelId)) ? "" : modelId.substring(modelId.length() - 8);
    }

    private static int compareVersions(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int x = i < a.size() ? a.get(i) : 0;
            int y = i < b.size() ? b.get(i) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }
}
