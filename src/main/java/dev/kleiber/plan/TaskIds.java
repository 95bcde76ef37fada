package dev.kleiber.plan;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for task ids and the names derived from them. An id is lower-case ASCII letters and digits in
 * words joined by single hyphens, starting with a letter, at most {@value #MAX_LENGTH} characters
 * ({@code feat-001}, {@code auth-login-form}): it becomes part of file names
 * ({@code tasks/{agent}/{task-id}.md}) and branch names ({@code feature/{task-id}-{slug}}), so it must be
 * safe in both on every file system and in git, and unambiguous when compared case-insensitively.
 */
public final class TaskIds {
    public static final int MAX_LENGTH = 64;
    public static final int MAX_SLUG_LENGTH = 40;
    /** Words of the rule, for messages. */
    public static final String RULE = "lower-case letters and digits in words joined by single hyphens, starting "
            + "with a letter, at most " + MAX_LENGTH + " characters (like feat-001 or auth-login-form)";

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private TaskIds() {
    }

    public static boolean isValid(String id) {
        return id.length() <= MAX_LENGTH && ID.matcher(id).matches();
    }

    /**
     * The title as lower-case ASCII words joined by hyphens, cut at a word boundary to at most
     * {@value #MAX_SLUG_LENGTH} characters ("Add KYC status column & filter!" → {@code add-kyc-status-column-filter}).
     * Accents are dropped ("Café" → {@code cafe}); other non-ASCII letters are separators. May be empty.
     */
    public static String slug(String title) {
        String ascii = MARKS.matcher(Normalizer.normalize(title, Normalizer.Form.NFKD)).replaceAll("");
        StringBuilder slug = new StringBuilder();
        for (String word : NOT_WORD.split(ascii.toLowerCase(Locale.ROOT))) {
            if (word.isEmpty()) {
                continue;
            }
            int needed = slug.isEmpty() ? word.length() : slug.length() + 1 + word.length();
            if (needed > MAX_SLUG_LENGTH) {
                if (slug.isEmpty()) {
                    slug.append(word, 0, MAX_SLUG_LENGTH);
                }
                break;
            }
            if (!slug.isEmpty()) {
                slug.append('-');
            }
            slug.append(word);
        }
        return slug.toString();
    }

    /**
     * The blueprint's branch name {@code {kind}/{task-id}-{slug}}, e.g. {@code feature/feat-001-add-kyc-column};
     * just {@code {kind}/{task-id}} when the title has no ASCII word. {@code kind} is {@code feature} or {@code fix}.
     */
    public static String branch(String kind, String id, String title) {
        if (!kind.equals("feature") && !kind.equals("fix")) {
            throw new IllegalArgumentException("branch kind must be feature or fix: " + kind);
        }
        if (!isValid(id)) {
            throw new IllegalArgumentException("not a task id: " + id);
        }
        String slug = slug(title);
        return kind + "/" + id + (slug.isEmpty() ? "" : "-" + slug);
    }
}
