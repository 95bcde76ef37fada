package dev.kleiber.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;

/** Spend of one budget day: its calls and tokens, what they cost, and what they would have cost all on Opus. */
public record DaySpend(LocalDate day, long calls, TokenUsage tokens, BigDecimal costUsd, BigDecimal allOpusUsd) {
}
