package dev.kleiber.validate;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The line coverage one report file states: {@code file} relative to the repository root. */
record CoverageReport(String file, Format format, long coveredLines, long totalLines) {
    public enum Format { LCOV, COBERTURA, JACOCO }

    public CoverageReport {
        if (coveredLines < 0 || totalLines < 0 || coveredLines > totalLines) {
            throw new IllegalArgumentException("covered " + coveredLines + " of " + totalLines + " lines");
        }
    }

    /** Whether at least {@code minPercent} of the lines are covered, compared exactly (no rounding up to pass). */
    public boolean meets(int minPercent) {
        return totalLines > 0 && coveredLines * 100 >= (long) minPercent * totalLines;
    }

    /** The covered share in percent, rounded down to one decimal so that a failing figure never shows as passing. */
    public BigDecimal percent() {
        if (totalLines == 0) {
            return BigDecimal.ZERO.setScale(1);
        }
        return BigDecimal.valueOf(coveredLines * 100).divide(BigDecimal.valueOf(totalLines), 1, RoundingMode.DOWN);
    }
}
