package dev.kleiber.ledger;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceTableTest {
    final PriceTable shipped = PriceTable.shipped();

    @Test
    void theDefaultTierModelsAreTheCurrentGenerationAtTheirListPrices() {
        TierModels models = TierModels.DEFAULTS;
        assertThat(shipped.priceOf(models.modelFor(Tier.OPUS))).satisfies(p -> {
            assertThat(p.input()).isEqualByComparingTo("4");
            assertThat(p.output()).isEqualByComparingTo("20");
            assertThat(p.cacheWrite1h()).isEqualByComparingTo("8");
        });
        assertThat(shipped.priceOf(models.modelFor(Tier.SONNET))).satisfies(p -> {
            assertThat(p.input()).isEqualByComparingTo("2");
            assertThat(p.output()).isEqualByComparingTo("10");
        });
        assertThat(shipped.priceOf(models.modelFor(Tier.HAIKU))).satisfies(p -> {
            assertThat(p.input()).isEqualByComparingTo("0.10");
            assertThat(p.output()).isEqualByComparingTo("0.50");
        });
        for (Tier tier : Tier.values()) {
            String id = models.modelFor(tier);
            assertThat(shipped.retirement(id)).as(id).isEmpty();
            assertThat(id).as("ids are dateless since 4.6").doesNotContainPattern("-\\d{8}$");
            assertThat(ModelIds.family(id)).contains(tier);
            assertThat(shipped.newestOf(tier)).as("the default is the newest priced model of its family").contains(id);
        }
    }

    @Test
    void opusCostsFiveAndTwentyFiveSinceFourPointFive() {
        for (String id : new String[] {"claude-opus-4-5", "claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8"}) {
            assertThat(shipped.priceOf(id).input()).as(id).isEqualByComparingTo("5");
            assertThat(shipped.priceOf(id).output()).as(id).isEqualByComparingTo("25");
        }
        assertThat(shipped.priceOf("claude-opus-4-1").input()).isEqualByComparingTo("15");
    }

    @Test
    void retiredModelsHaveNoPriceAndSayWhenTheyWereRetired() {
        for (String id : new String[] {"claude-3-haiku-20240307", "claude-opus-4-20250514", "claude-sonnet-4-20250514",
                "claude-3-opus-20240229", "claude-3-5-haiku-20241022"}) {
            assertThat(shipped.retirement(id)).as(id).hasValueSatisfying(note -> assertThat(note).startsWith("retired"));
            assertThat(shipped.find(id)).as(id).isEmpty();
        }
        assertThat(shipped.retirement("claude-3-haiku-20240307")).contains("retired 2026-04-20");
        // a price the project adds for a model takes it off the retired list: the project knows better
        assertThat(shipped.withOverrides(Map.of("claude-3-haiku", ModelPrice.of(BigDecimal.ONE, BigDecimal.TEN)))
                .retirement("claude-3-haiku-20240307")).isEmpty();
    }

    @Test
    void haikuFivePointFiveBillsTheWholeRequestAtFiveTimesAboveAHundredThousandPromptTokens() {
        ModelPrice haiku = shipped.priceOf("claude-haiku-5-5");
        assertThat(haiku.cost(TokenUsage.of(100_000, 1_000_000))).isEqualByComparingTo("0.51"); // 0.01 + 0.50
        assertThat(haiku.cost(TokenUsage.of(100_001, 1_000_000))).isEqualByComparingTo("2.5500005"); // 0.0500005 + 2.50
        // cache reads count toward the prompt's size
        assertThat(haiku.cost(new TokenUsage(1_000, 0, 0, 0, 150_000))).isEqualByComparingTo("0.008"); // 0.0005 + 0.0075
        assertThat(haiku.worstCase(200_000, 10_000)).isEqualByComparingTo("0.125");
        assertThat(haiku.worstCase(50_000, 10_000)).isEqualByComparingTo("0.01");
        var bad = new SafeYaml().parse("m1: {input: 1, output: 2, long_context: {input: 5, output: 10}}\n",
                "kleiber.yaml").asMapping("prices");
        assertThatThrownBy(() -> PriceTable.parseModels(bad)).hasMessageContaining("above_input_tokens");
    }

    @Test
    void theNewestOfAFamilyIsFoundByTheVersionItsIdNames() {
        assertThat(java.util.stream.Stream.of("claude-opus-4-8", "claude-opus-5", "claude-opus-4-10", "claude-opus-5-5",
                "claude-3-opus-20240229").sorted(ModelIds.NEWEST_FIRST).toList())
                .containsExactly("claude-opus-5-5", "claude-opus-5", "claude-opus-4-10", "claude-opus-4-8",
                        "claude-3-opus-20240229");
        assertThat(ModelIds.family("claude-3-5-haiku-20241022")).contains(Tier.HAIKU);
        assertThat(ModelIds.family("claude-fable-5-1")).isEmpty();
    }

    @Test
    void theBlueprintsExampleRowCostsWhatItSays() {
        // | 2025-01-09T14:30:00Z | engineer-backend | feat-001 | sonnet | 15000 | 8000 | $0.165 |
        // (Sonnet 4.5 still lists at the blueprint's $3/$15)
        BigDecimal cost = shipped.priceOf("claude-sonnet-4-5").cost(TokenUsage.of(15_000, 8_000));
        assertThat(cost).isEqualByComparingTo("0.165");
        assertThat(Usd.fine(cost)).isEqualTo("$0.165");
    }

    @Test
    void cacheTrafficIsPricedAtItsOwnRates() {
        ModelPrice sonnet = shipped.priceOf("claude-sonnet-4-5");
        assertThat(sonnet.cacheWrite5m()).isEqualByComparingTo("3.75");
        assertThat(sonnet.cacheWrite1h()).isEqualByComparingTo("6");
        assertThat(sonnet.cacheRead()).isEqualByComparingTo("0.30");
        // 1M each of input, output, 5m write, 1h write, read
        assertThat(sonnet.cost(new TokenUsage(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000)))
                .isEqualByComparingTo("28.05");
        assertThat(shipped.batchCost("claude-sonnet-4-5", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("1.5");
    }

    @Test
    void answeredSnapshotIdsResolveByExactIdThenWithoutTheirDate() {
        assertThat(shipped.find("claude-sonnet-4-5-20250929")).isEqualTo(shipped.find("claude-sonnet-4-5"));
        assertThat(shipped.find("claude-haiku-4-5-20251001")).isEqualTo(shipped.find("claude-haiku-4-5")).isPresent();
        assertThat(shipped.find("claude-opus-4-5-20251101")).isEqualTo(shipped.find("claude-opus-4-5")).isPresent();
        PriceTable exact = shipped.withOverrides(Map.of("claude-sonnet-4-5-20250929", ModelPrice.of(BigDecimal.ONE, BigDecimal.TEN)));
        assertThat(exact.priceOf("claude-sonnet-4-5-20250929").input()).isEqualByComparingTo("1");
        // only a trailing date is dropped: a different model never borrows a neighbour's price
        assertThat(shipped.find("claude-sonnet-4-5-preview")).isEmpty();
        assertThat(shipped.find("claude-sonnet-4-5-2025")).isEmpty();
    }

    @Test
    void anUnknownModelIsRefusedWithHowToAddItsPrice() {
        assertThatThrownBy(() -> shipped.priceOf("gpt-4o"))
                .isInstanceOf(UnknownPriceException.class)
                .hasMessageContaining("no price is known for model 'gpt-4o'")
                .hasMessageContaining("prices:")
                .hasMessageContaining("gpt-4o: {input:")
                .extracting(e -> ((KleiberException) e).exitCode()).isEqualTo(2);
    }

    @Test
    void overridesFromYamlDeriveMissingCachePricesAndNameBadLines() {
        var node = new SafeYaml().parse("""
                claude-new-1: {input: 2, output: 8}
                claude-sonnet-4-5: {input: 3, output: 15, cache_read: 0.25}
                """, "kleiber.yaml").asMapping("prices");
        PriceTable table = shipped.withOverrides(PriceTable.parseModels(node));
        assertThat(table.priceOf("claude-new-1")).isEqualTo(new ModelPrice(new BigDecimal("2"), new BigDecimal("8"),
                new BigDecimal("2.50"), new BigDecimal("4"), new BigDecimal("0.2")));
        assertThat(table.priceOf("claude-sonnet-4-5").cacheRead()).isEqualByComparingTo("0.25");

        var bad = new SafeYaml().parse("m1: {input: 2}\n", "kleiber.yaml").asMapping("prices");
        assertThatThrownBy(() -> PriceTable.parseModels(bad)).hasMessageContaining("kleiber.yaml line 1")
                .hasMessageContaining("'output' is required");
        var negative = new SafeYaml().parse("m1:\n  input: -2\n  output: 1\n", "kleiber.yaml").asMapping("prices");
        assertThatThrownBy(() -> PriceTable.parseModels(negative)).hasMessageContaining("line 2")
                .hasMessageContaining("cannot be negative");
        var unknownKey = new SafeYaml().parse("m1: {input: 2, output: 1, cache: 3}\n", "kleiber.yaml").asMapping("prices");
        assertThatThrownBy(() -> PriceTable.parseModels(unknownKey)).hasMessageContaining("unknown key 'cache'");
    }

    @Test
    void usdAmountsParseAndFormatExactly() {
        assertThat(Usd.parsePositive("$80.50", "--to")).isEqualByComparingTo("80.5");
        assertThatThrownBy(() -> Usd.parsePositive("eighty", "--to")).hasMessageContaining("--to must be an amount");
        assertThatThrownBy(() -> Usd.parsePositive("0", "--extra")).hasMessageContaining("more than $0");
        assertThat(Usd.fromPico(Usd.toPico(new BigDecimal("50")))).hasToString("50");
        assertThat(Usd.toPico(new BigDecimal("0.0000000000001"))).isEqualTo(1); // rounds up, never down
        assertThat(Usd.cents(new BigDecimal("7.045"))).isEqualTo("$7.05");
        assertThat(Usd.fine(new BigDecimal("1.2"))).isEqualTo("$1.20");
        assertThat(Usd.fine(new BigDecimal("0.00375"))).isEqualTo("$0.0038");
    }
}
