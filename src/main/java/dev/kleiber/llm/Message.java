package dev.kleiber.llm;

import java.util.List;
import java.util.Objects;

/** One turn of the conversation. */
public record Message(Role role, List<ContentBlock> content) {

    public Message {
        Objects.requireNonNull(role, "role");
        content = List.copyOf(content);
        if (content.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one content block");
        }
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(ContentBlock.Text.of(text)));
    }

    public static Message user(List<? extends ContentBlock> content) {
        return new Message(Role.USER, List.copyOf(content));
    }

    public static Message assistant(List<? extends ContentBlock> content) {
        return new Message(Role.ASSISTANT, List.copyOf(content));
    }
}
