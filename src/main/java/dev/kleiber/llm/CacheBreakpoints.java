package dev.kleiber.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an agent loop puts its prompt-caching breakpoints so that a long loop reads most of its input from
 * cache: one on the last tool and one on the last system block (they never change during a task: ONE_HOUR),
 * and one on the last block of the conversation, moved forward every turn (FIVE_MINUTES). The API finds the
 * previous turn's tail within its 20-block lookback, reads everything up to it from cache and writes only the
 * new turn. That is three of the four breakpoints the API allows.
 */
public final class CacheBreakpoints {

    private CacheBreakpoints() {
    }

    /** The tools with a breakpoint on the last one only. */
    public static List<ToolDefinition> onLastTool(List<ToolDefinition> tools, CacheControl cache) {
        List<ToolDefinition> marked = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            ToolDefinition tool = tools.get(i);
            marked.add(i == tools.size() - 1 ? tool.withCacheControl(cache)
                    : new ToolDefinition(tool.name(), tool.description(), tool.inputSchema(), java.util.Optional.empty()));
        }
        return List.copyOf(marked);
    }

    /** The system blocks with a breakpoint on the last one only. */
    public static List<ContentBlock.Text> onLastSystemBlock(List<ContentBlock.Text> system, CacheControl cache) {
        List<ContentBlock.Text> marked = new ArrayList<>(system.size());
        for (int i = 0; i < system.size(); i++) {
            ContentBlock.Text block = system.get(i);
            marked.add(i == system.size() - 1 ? block.withCacheControl(cache) : block.withoutCacheControl());
        }
        return List.copyOf(marked);
    }

    /** The conversation with a breakpoint on its very last block and none on any earlier message. */
    public static List<Message> onConversationTail(List<Message> messages, CacheControl cache) {
        List<Message> marked = new ArrayList<>(messages.size());
        for (int m = 0; m < messages.size(); m++) {
            Message message = messages.get(m);
            List<ContentBlock> blocks = new ArrayList<>(message.content().size());
            for (int b = 0; b < message.content().size(); b++) {
                ContentBlock block = message.content().get(b);
                boolean tail = m == messages.size() - 1 && b == message.content().size() - 1;
                blocks.add(tail ? block.withCacheControl(cache) : block.withoutCacheControl());
            }
            marked.add(new Message(message.role(), blocks));
        }
        return List.copyOf(marked);
    }
}
