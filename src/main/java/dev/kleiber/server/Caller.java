package dev.kleiber.server;

/** Who sent a request: the token's name and scope, and whether it came with the session cookie. */
record Caller(String name, Scope scope, boolean viaSession) {
    static final String ATTRIBUTE = "kleiber.caller";

    /** As a decision records it: {@code phone (token)}. */
    String recorded() {
        return name + " (token" + (viaSession ? ", dashboard" : "") + ")";
    }
}
