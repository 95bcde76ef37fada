package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.util.List;

/**
 * The tokenizer generation a model counts text with. Anthropic states that Claude 4.7 and later models count the
 * same text as approximately 30% more tokens than earlier ones, so the same work costs that much more tokens.
 */
public enum Tokenizer {
    /** Claude 4.6 and earlier: the generation Kleiber's typical session sizes were measured with. */
    CLAUDE_4_6_AND_EARLIER("the Claude 4.6-and-earlier tokenizer", BigDecimal.ONE),
    /** Claude 4.7 and later, including Haiku 5.5. */
    CLAUDE_4_7_AND_LATER("the Claude 4.7-and-later tokenizer (~30% more tokens for the same text)", new BigDecimal("1.3"));

    private static final List<Integer> FIRST_NEWER = List.of(4, 7);

    private final String description;
    private final BigDecimal factor;

    Tokenizer(String description, BigDecimal factor) {
        this.description = description;
        this.factor = factor;
    }

    /** Which generation {@code modelId} uses, judged by the version its id names. */
    public static Tokenizer of(String modelId) {
        List<Integer> version = ModelIds.version(modelId);
        for (int i = 0; i < FIRST_NEWER.size(); i++) {
            int v = i < version.size() ? version.get(i) : 0;
            if (v != FIRST_NEWER.get(i)) {
                return v > FIRST_NEWER.get(i) ? CLAUDE_4_7_AND_LATER : CLAUDE_4_6_AND_EARLIER;
            }
        }
        return CLAUDE_4_7_AND_LATER;
    }

    /** "the Claude 4.7-and-later tokenizer (~30% more tokens for the same text)". */
    public String description() {
        return description;
    }

    /** {@code tokens} measured with the older generation, as this generation counts them. */
    public long scale(long tokens) {
        return new BigDecimal(tokens).multiply(factor).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }
}
