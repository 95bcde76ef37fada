package dev.kleiber.ledger;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostEstimatorTest {
    /** The blueprint's figures: models on the older tokenizer, at $15/$75 (Opus 4.1) and $3/$15 (Sonnet 4.5). */
    private static final TierModels BLUEPRINT = new TierModels(Map.of(Tier.OPUS, "claude-opus-4-1",
            Tier.SONNET, "claude-sonnet-4-5", Tier.HAIKU, "claude-haiku-4-5"));
    private final CostEstimator estimator = new CostEstimator(PriceTable.shipped(), BLUEPRINT);

    @Test
    void theLowEndOfASonnetTaskIsTheBlueprintsLoggedExample() {
        CostEstimator.Estimate sonnet = estimator.estimate(Tier.SONNET);

        assertThat(sonnet.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(sonnet.tokenizer()).isEqualTo(Tokenizer.CLAUDE_4_6_AND_EARLIER);
        // 15,000 in at $3/M + 8,000 out at $15/M, as in the blueprint's orchestration_log.md row
        assertThat(sonnet.cost().low()).isEqualByComparingTo("0.165");
        // 500,000 in at $3/M + 40,000 out at $15/M
        assertThat(sonnet.cost().high()).isEqualByComparingTo("2.10");
    }

    @Test
    void allOpusPricesTheSameTokensAtOpusPrices() {
        CostEstimator.Estimate sonnet = estimator.estimate(Tier.SONNET);

        assertThat(sonnet.allOpus().low()).isEqualByComparingTo("0.825");   // 15,000 × $15/M + 8,000 × $75/M
        assertThat(sonnet.allOpus().high()).isEqualByComparingTo("10.50");  // 500,000 × $15/M + 40,000 × $75/M
        CostEstimator.Estimate opus = estimator.estimate(Tier.OPUS);
        assertThat(opus.cost()).isEqualTo(opus.allOpus());
    }

    @Test
    void haikuWorkIsSmallAndCheap() {
        CostEstimator.Estimate haiku = estimator.estimate(Tier.HAIKU);

        assertThat(haiku.model()).isEqualTo("claude-haiku-4-5");
        assertThat(haiku.cost().low()).isEqualByComparingTo("0.015");    // 5,000 × $1/M + 2,000 × $5/M
        assertThat(haiku.cost().high()).isEqualByComparingTo("0.15");    // 100,000 × $1/M + 10,000 × $5/M
        assertThat(haiku.allOpus().high()).isEqualByComparingTo("2.25"); // 100,000 × $15/M + 10,000 × $75/M
    }

    @Test
    void theCurrentModelsCountThirtyPercentMoreTokensAndSaySo() {
        CostEstimator current = new CostEstimator(PriceTable.shipped(), TierModels.DEFAULTS);

        CostEstimator.Estimate sonnet = current.estimate(Tier.SONNET);
        assertThat(sonnet.model()).isEqualTo("claude-sonnet-5-5");
        assertThat(sonnet.tokenizer()).isEqualTo(Tokenizer.CLAUDE_4_7_AND_LATER);
        assertThat(sonnet.cost().low()).isEqualByComparingTo("0.143");  // 19,500 × $2/M + 10,400 × $10/M
        assertThat(sonnet.allOpus().low()).isEqualByComparingTo("0.286"); // 19,500 × $4/M + 10,400 × $20/M
        // Haiku 5.5's long-context rate applies per request; a session's summed tokens stay at the base rate
        CostEstimator.Estimate haiku = current.estimate(Tier.HAIKU);
        assertThat(haiku.cost().high()).isEqualByComparingTo("0.0195"); // 130,000 × $0.10/M + 13,000 × $0.50/M
        assertThat(current.tokenizers()).containsOnlyKeys(Tokenizer.CLAUDE_4_7_AND_LATER);
        assertThat(Tokenizer.of("claude-opus-4-6")).isEqualTo(Tokenizer.CLAUDE_4_6_AND_EARLIER);
        assertThat(Tokenizer.of("claude-opus-4-7")).isEqualTo(Tokenizer.CLAUDE_4_7_AND_LATER);
        assertThat(Tokenizer.of("claude-3-5-haiku-20241022")).isEqualTo(Tokenizer.CLAUDE_4_6_AND_EARLIER);
        assertThat(Tokenizer.of("claude-haiku-5-5").description()).contains("~30% more tokens");
    }

    @Test
    void everyRangeIsOrderedAndNeverDearerThanOpus() {
        for (Tier tier : Tier.values()) {
            CostEstimator.Estimate e = estimator.estimate(tier);
            assertThat(e.cost().low()).as(tier.id()).isLessThanOrEqualTo(e.cost().high());
            assertThat(e.cost().low()).as(tier.id()).isLessThanOrEqualTo(e.allOpus().low());
            assertThat(e.cost().high()).as(tier.id()).isLessThanOrEqualTo(e.allOpus().high());
        }
    }

    @Test
    void theConfiguredModelsAndTheirPricesAreUsed() {
        PriceTable prices = PriceTable.shipped().withOverrides(Map.of("house-model",
                ModelPrice.of(new BigDecimal("1"), new BigDecimal("2"))));
        TierModels models = new TierModels(Map.of(Tier.OPUS, "claude-opus-4-1", Tier.SONNET, "house-model",
                Tier.HAIKU, "house-model"));
        CostEstimator custom = new CostEstimator(prices, models,
                Map.of(Tier.HAIKU, new CostEstimator.TokenRange(1_000_000, 2_000_000, 0, 1_000_000),
                        Tier.SONNET, new CostEstimator.TokenRange(0, 0, 0, 0),
                        Tier.OPUS, new CostEstimator.TokenRange(0, 0, 0, 0)));

        CostEstimator.Estimate haiku = custom.estimate(Tier.HAIKU);

        assertThat(haiku.model()).isEqualTo("house-model");
        assertThat(haiku.cost().low()).isEqualByComparingTo("1");   // 1M in at $1/M
        assertThat(haiku.cost().high()).isEqualByComparingTo("4");  // 2M in at $1/M + 1M out at $2/M
        assertThat(haiku.allOpus().high()).isEqualByComparingTo("105");
    }

    @Test
    void aModelWithoutAPriceIsRefusedUpFrontAsBadInput() {
        TierModels models = new TierModels(Map.of(Tier.OPUS, "claude-opus-4-1", Tier.SONNET, "mystery-model",
                Tier.HAIKU, "claude-haiku-4-5"));

        assertThatThrownBy(() -> new CostEstimator(PriceTable.shipped(), models))
                .isInstanceOf(KleiberException.class).hasMessageContaining("mystery-model")
                .extracting(e -> ((KleiberException) e).exitCode()).isEqualTo(KleiberException.BAD_INPUT);
    }

    @Test
    void rangesAddUp() {
        CostEstimator.Range total = CostEstimator.Range.ZERO.plus(estimator.estimate(Tier.SONNET).cost())
                .plus(estimator.estimate(Tier.HAIKU).cost());

        assertThat(total.low()).isEqualByComparingTo("0.18");
        assertThat(total.high()).isEqualByComparingTo("2.25");
    }

    @Test
    void aTokenRangeMustBeOrdered() {
        assertThatThrownBy(() -> new CostEstimator.TokenRange(10, 5, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
