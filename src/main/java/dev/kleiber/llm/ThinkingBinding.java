package dev.kleiber.llm;

import java.util.List;

/**
 * The rule today's models put on their thinking blocks: each is bound to everything the request held before it
 * (system, tools, earlier messages), and the API refuses a block whose prefix changed ("The block is bound to a
 * different conversation"), or one that was left out between others. A conversation Kleiber rewrites — old tool
 * outputs condensed, a long session compacted — therefore drops every thinking block from the first rewritten
 * message on; the blocks before it keep their prefix and stay.
 */
public final class ThinkingBinding {

    private ThinkingBinding() {
    }

    /**
     * Removes the thinking blocks of every message from {@code firstEdited} on, in place.
     *
     * @return how many blocks were removed
     */
    public static int dropFrom(List<Message> conversation, int firstEdited) {
        int removed = 0;
        for (int m = Math.max(0, firstEdited); m < conversation.size(); m++) {
            Message message = conversation.get(m);
            List<ContentBlock> kept = message.content().stream().filter(block -> !isThinking(block)).toList();
            if (kept.size() != message.content().size()) {
                removed += message.content().size() - kept.size();
                // A turn that held nothing but thinking still needs a block; its text was never shown anyway.
                conversation.set(m, new Message(message.role(),
                        kept.isEmpty() ? List.of(ContentBlock.Text.of("(thinking omitted)")) : kept));
            }
        }
        return removed;
    }

    static boolean isThinking(ContentBlock block) {
        return block instanceof ContentBlock.Thinking || block instanceof ContentBlock.RedactedThinking;
    }
}
