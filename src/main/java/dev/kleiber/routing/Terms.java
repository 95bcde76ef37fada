package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled list of policy terms, matched word by word against {@link Tokens}. A term is one word or a
 * phrase; inside a phrase {@code *} stands for any one word, {@code #} for a number (digits or a number
 * word) and {@code ..} for up to {@value #MAX_GAP} words, and a word written {@code =word} matches only
 * that exact word, not its other forms ({@code =logging} is not {@code log}). Terms are indexed by their first stem, so matching
 * a text costs one map lookup per word however many terms there are.
 */
final class Terms {
    static final int MAX_GAP = 4;

    /** One occurrence in a text: word positions [start, end) and the words as written (lower-case). */
    record Match(int start, int end, String text) {
    }

    private sealed interface Element permits Word, Exact, AnyWord, Number, Gap {
    }

    private record Word(String stem) implements Element {
    }

    private record Exact(String word, String stem) implements Element {
    }

    private record AnyWord() implements Element {
    }

    private record Number() implements Element {
    }

    private record Gap() implements Element {
    }

    private record Term(List<Element> elements) {
    }

    private static final Set<String> NUMBER_WORDS = Set.of("two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "dozen", "hundred", "thousand");

    private final Map<String, List<Term>> byFirstStem;
    private final int count;

    private Terms(Map<String, List<Term>> byFirstStem, int count) {
        this.byFirstStem = byFirstStem;
        this.count = count;
    }

    static Terms compile(Collection<String> terms) {
        Map<String, List<Term>> index = new HashMap<>();
        for (String text : terms) {
            Term term = parse(text);
            String first = switch (term.elements().getFirst()) {
                case Word w -> w.stem();
                case Exact e -> e.stem();
                default -> throw new IllegalStateException("terms begin with a word");
            };
            index.computeIfAbsent(first, k -> new ArrayList<>()).add(term);
        }
        return new Terms(index, terms.size());
    }

    /**
     * Checks one term as written in a policy; returns an explanation of what is wrong, or empty when it is
     * fine. Kept apart from {@link #compile} so the policy reader can point at the line.
     */
    static Optional<String> problem(String text) {
        try {
            parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Term parse(String text) {
        List<Element> elements = new ArrayList<>();
        for (String piece : text.strip().split("\\s+")) {
            switch (piece) {
                case "*" -> elements.add(new AnyWord());
                case "#" -> elements.add(new Number());
                case ".." -> elements.add(new Gap());
                default -> {
                    boolean exact = piece.startsWith("=");
                    Tokens words = Tokens.of(exact ? piece.substring(1) : piece);
                    for (int i = 0; i < words.size(); i++) {
                        elements.add(exact ? new Exact(words.words().get(i), words.stems().get(i))
                                : new Word(words.stems().get(i)));
                    }
                }
            }
        }
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("term '" + text + "' has no words");
        }
        if (!isWord(elements.getFirst()) || !isWord(elements.getLast())) {
            throw new IllegalArgumentException("term '" + text + "' must begin and end with a word, not *, # or ..");
        }
        return new Term(List.copyOf(elements));
    }

    private static boolean isWord(Element element) {
        return element instanceof Word || element instanceof Exact;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Every occurrence of any term, in text order; at most one (the longest) per starting word. */
    List<Match> find(Tokens tokens) {
        List<Match> found = new ArrayList<>(2);
        List<String> stems = tokens.stems();
        for (int i = 0; i < stems.size(); i++) {
            List<Term> candidates = byFirstStem.get(stems.get(i));
            if (candidates == null) {
                continue;
            }
            int best = -1;
            for (Term term : candidates) {
                best = Math.max(best, matchFrom(term.elements(), 0, stems, tokens.words(), i));
            }
            if (best > 0) {
                found.add(new Match(i, best, String.join(" ", tokens.words().subList(i, best))));
            }
        }
        return found;
    }

    /** The end position when {@code elements[e..]} matches from word {@code t}, else -1. */
    private static int matchFrom(List<Element> elements, int e, List<String> stems, List<String> words, int t) {
        if (e == elements.size()) {
            return t;
        }
        Element element = elements.get(e);
        if (element instanceof Gap) {
            for (int skip = 0; skip <= MAX_GAP && t + skip <= stems.size(); skip++) {
                int end = matchFrom(elements, e + 1, stems, words, t + skip);
                if (end >= 0) {
                    return end;
                }
            }
            return -1;
        }
        if (t >= stems.size()) {
            return -1;
        }
        boolean ok = switch (element) {
            case Word w -> w.stem().equals(stems.get(t));
            case Exact x -> x.word().equals(words.get(t));
            case AnyWord a -> true;
            case Number n -> isNumber(words.get(t));
            case Gap g -> throw new IllegalStateException("handled above");
        };
        return ok ? matchFrom(elements, e + 1, stems, words, t + 1) : -1;
    }

    private static boolean isNumber(String word) {
        return Character.isDigit(word.charAt(0)) || NUMBER_WORDS.contains(word);
    }
}
