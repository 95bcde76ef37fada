package dev.kleiber.protocol;

/** A done file's {@code Tokens: {input}/{output}} line. */
public record Tokens(long input, long output) {
    public Tokens {
        if (input < 0 || output < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: " + input + "/" + output);
        }
    }
}
