package dev.kleiber.llm;

/** Who said a message of the conversation. */
public enum Role {
    USER, ASSISTANT;

    /** The value of {@code role} on the wire. */
    public String wire() {
        return this == USER ? "user" : "assistant";
    }
}
