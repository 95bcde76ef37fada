package dev.kleiber.llm;

/**
 * A prompt-caching breakpoint: the request prefix up to and including the block that carries it
 * is written to (or read from) the API's cache for {@link Ttl#FIVE_MINUTES} or {@link Ttl#ONE_HOUR}.
 * The API allows at most four breakpoints per request, and longer TTLs must come before shorter ones.
 */
public record CacheControl(Ttl ttl) {

    public static final CacheControl FIVE_MINUTES = new CacheControl(Ttl.FIVE_MINUTES);
    public static final CacheControl ONE_HOUR = new CacheControl(Ttl.ONE_HOUR);

    public enum Ttl {
        FIVE_MINUTES("5m"), ONE_HOUR("1h");

        private final String wire;

        Ttl(String wire) {
            this.wire = wire;
        }

        /** The value of {@code cache_control.ttl} on the wire. */
        public String wire() {
            return wire;
        }
    }

    public CacheControl {
        if (ttl == null) {
            throw new IllegalArgumentException("ttl is required");
        }
    }
}
