package dev.kleiber.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every term list of a policy compiled into one index. Each list (a rule condition's {@code terms} or
 * {@code with}, a cosmetic word list) gets a slot; {@link #scan} reads a text once, one map lookup per word
 * for all lists together, and reports the matches per slot. A term is one word or a phrase; inside a phrase
 * {@code *} stands for any one word, {@code #} for a number (digits or a number word) and {@code ..} for up
 * to {@value #MAX_GAP} words, and a word written {@code =word} matches only that exact word, not its other
 * forms ({@code =logging} is not {@code log}).
 */
final class Terms {
    static final int MAX_GAP = 4;
    /** The slot of an empty list: nothing to match, the condition part is absent. */
    static final int NONE = -1;

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

    private record Entry(int slot, List<Element> elements) {
    }

    private static final Set<String> NUMBER_WORDS = Set.of("two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve", "dozen", "hundred", "thousand");

    private final Map<String, Entry[]> byFirstStem;
    private final int slots;

    private Terms(Map<String, Entry[]> byFirstStem, int slots) {
        this.byFirstStem = byFirstStem;
        this.slots = slots;
    }

    /** Collects term lists, each into its own slot. */
    static final class Builder {
        private final Map<String, List<Entry>> index = new HashMap<>();
        private int slots;

        /** The slot for {@code terms}, or {@link #NONE} for an empty list. */
        int add(Collection<String> terms) {
            if (terms.isEmpty()) {
                return NONE;
            }
            int slot = slots++;
            for (String text : terms) {
                List<Element> elements = parse(text);
                String first = switch (elements.getFirst()) {
                    case Word w -> w.stem();
                    case Exact e -> e.stem();
                    default -> throw new IllegalStateException("terms begin with a word");
                };
                index.computeIfAbsent(first, k -> new ArrayList<>()).add(new Entry(slot, elements));
            }
            return slot;
        }

        Terms build() {
            Map<String, Entry[]> compact = new HashMap<>(index.size() * 2);
            index.forEach((stem, entries) -> compact.put(stem, entries.toArray(Entry[]::new)));
            return new Terms(compact, slots);
        }
    }

    /** The matches of one text, per slot. */
    static final class Found {
        private final List<Match>[] bySlot;

        private Found(List<Match>[] bySlot) {
            this.bySlot = bySlot;
        }

        /** Every occurrence of the slot's terms, in text order, the longest per starting word; empty for NONE. */
        List<Match> of(int slot) {
            if (slot == NONE || bySlot[slot] == null) {
                return List.of();
            }
            return bySlot[slot];
        }
    }

    /**
     * Checks one term as written in a policy; returns an explanation of what is wrong, or empty when it is
     * fine, so the policy reader can point at the line.
     */
    static Optional<String> problem(String text) {
        try {
            parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static List<Element> parse(String text) {
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
        return List.copyOf(elements);
    }

    private static boolean isWord(Element element) {
        return element instanceof Word || element instanceof Exact;
    }

    @SuppressWarnings("unchecked")
    Found scan(Tokens tokens) {
        List<Match>[] bySlot = new List[slots];
        List<String> stems = tokens.stems();
        List<String> words = tokens.words();
        int[] bestEnd = new int[slots];
        for (int i = 0; i < stems.size(); i++) {
            Entry[] candidates = byFirstStem.get(stems.get(i));
            if (candidates == null) {
                continue;
            }
            for (Entry entry : candidates) {
                bestEnd[entry.slot()] = Math.max(bestEnd[entry.slot()], matchFrom(entry.elements(), 0, stems, words, i));
            }
            for (Entry entry : candidates) {
                int end = bestEnd[entry.slot()];
                if (end > 0) {
                    if (bySlot[entry.slot()] == null) {
                        bySlot[entry.slot()] = new ArrayList<>(2);
                    }
                    bySlot[entry.slot()].add(new Match(i, end, String.join(" ", words.subList(i, end))));
                    bestEnd[entry.slot()] = 0;
                }
            }
        }
        return new Found(bySlot);
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
