package dev.kleiber.llm;

import java.util.List;

/**
 * A quick, deliberately high count of a prompt's tokens, known without asking the API: one token per three
 * characters of everything the model reads. English text and code run near four characters a token on the older
 * tokenizer and near three on the newer one (about 30 % more tokens), so this errs towards counting too many —
 * the safe side for deciding when to ask the API for the exact count before the context window is reached.
 */
public final class TokenEstimate {
    private static final int CHARS_PER_TOKEN = 3;

    private TokenEstimate() {
    }

    public static long of(LlmRequest request) {
        long chars = request.system().stream().mapToLong(text -> text.text().length()).sum()
                + request.tools().stream().mapToLong(tool -> tool.name().length() + tool.description().length()
                + tool.inputSchema().toString().length()).sum();
        return tokens(chars) + of(request.messages());
    }

    public static long of(List<Message> messages) {
        return tokens(messages.stream().flatMap(message -> message.content().stream()).mapToLong(TokenEstimate::chars).sum());
    }

    private static long tokens(long chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private static long chars(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text text -> text.text().length();
            case ContentBlock.ToolUse use -> use.name().length() + use.input().toString().length();
            case ContentBlock.ToolResult result -> result.content().length();
            case ContentBlock.Thinking thinking -> thinking.thinking().length();
            case ContentBlock.RedactedThinking redacted -> redacted.data().length();
        };
    }
}
