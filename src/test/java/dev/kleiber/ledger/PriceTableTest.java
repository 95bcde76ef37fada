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
    void theDefaultTierModelsHaveTheBlueprintsPrices() {
        TierModels models = TierModels.DEFAULTS;
        assertThat(shipped.priceOf(models.modelFor(Tier.OPUS))).satisfies(p -> {
            assertThat(p.input()).isEqualByComparingTo("15");
            assertThat(p.output()).isEqualByComparingTo("75");
        });
        assertThat(shipped.priceOf(models.modelFor(Tier.SONNET))).satisfies(p -> {
            assertThat(p.input()).isEqualByComparingTo("3");
            assertThat(p.output()).isEqualByComparingTo("15");
        });
        assertThat(shipped.priceOf(models.modelFor(Tier.HAIKU))).satisfies(p -> {
            assertThat(p.input()).isEqualByComparingTo("0.25");
            assertThat(p.output()).isEqualByComparingTo("1.25");
        });
    }

    @Test
    void theBlueprintsExampleRowCostsWhatItSays() {
        // | 2025-01-09T14:30:00Z | engineer-backend | feat-001 | sonnet | 15000 | 8000 | $0.165 |
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
        assertThat(shipped.find("claude-3-haiku-20240307")).isEqualTo(shipped.find("claude-3-haiku"));
        assertThat(shipped.find("claude-opus-4-20250514")).isEqualTo(shipped.find("claude-opus-4"));
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
