package dev.kleiber.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;
import java.util.Optional;

/**
 * One block of a message: text, a tool call the model made, the result Kleiber sends back for it, or the
 * model's thinking. A block may carry a {@link CacheControl} breakpoint; blocks in a response never do.
 */
public sealed interface ContentBlock {

    Optional<CacheControl> cacheControl();

    /** This block with a cache breakpoint set (or moved) to it. */
    ContentBlock withCacheControl(CacheControl cacheControl);

    /** This block without a cache breakpoint. */
    ContentBlock withoutCacheControl();

    record Text(String text, Optional<CacheControl> cacheControl) implements ContentBlock {
        public Text {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(cacheControl, "cacheControl");
        }

        public static Text of(String text) {
            return new Text(text, Optional.empty());
        }

        @Override
        public Text withCacheControl(CacheControl cache) {
            return new Text(text, Optional.of(cache));
        }

        @Override
        public Text withoutCacheControl() {
            return new Text(text, Optional.empty());
        }
    }

    /** A call of tool {@code name} with {@code input} (a JSON object), identified by {@code id}. */
    record ToolUse(String id, String name, JsonNode input, Optional<CacheControl> cacheControl) implements ContentBlock {
        public ToolUse {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(cacheControl, "cacheControl");
        }

        public static ToolUse of(String id, String name, JsonNode input) {
            return new ToolUse(id, name, input, Optional.empty());
        }

        @Override
        public ToolUse withCacheControl(CacheControl cache) {
            return new ToolUse(id, name, input, Optional.of(cache));
        }

        @Override
        public ToolUse withoutCacheControl() {
            return new ToolUse(id, name, input, Optional.empty());
        }
    }

    /** The answer to tool call {@code toolUseId}; {@code isError} tells the model the call was refused or failed. */
    record ToolResult(String toolUseId, String content, boolean isError, Optional<CacheControl> cacheControl)
            implements ContentBlock {
        public ToolResult {
            Objects.requireNonNull(toolUseId, "toolUseId");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(cacheControl, "cacheControl");
        }

        public static ToolResult ok(String toolUseId, String content) {
            return new ToolResult(toolUseId, content, false, Optional.empty());
        }

        public static ToolResult error(String toolUseId, String reason) {
            return new ToolResult(toolUseId, reason, true, Optional.empty());
        }

        @Override
        public ToolResult withCacheControl(CacheControl cache) {
            return new ToolResult(toolUseId, content, isError, Optional.of(cache));
        }

        @Override
        public ToolResult withoutCacheControl() {
            return new ToolResult(toolUseId, content, isError, Optional.empty());
        }
    }
    /**
     * The model's thinking, as the API returned it. Models with adaptive thinking always on (Opus/Sonnet/Haiku 5.5)
     * start answers with these, often with empty text (the API's default display omits it) but always with a
     * signature that binds the block to the conversation before it. It must go back to the API unchanged in the
     * assistant turn that carried it; it can hold no cache breakpoint (the API refuses one there), so the
     * breakpoint methods leave it as it is.
     */
    record Thinking(String thinking, String signature) implements ContentBlock {
        public Thinking {
            Objects.requireNonNull(thinking, "thinking");
            Objects.requireNonNull(signature, "signature");
        }

        @Override
        public Optional<CacheControl> cacheControl() {
            return Optional.empty();
        }

        @Override
        public Thinking withCacheControl(CacheControl cacheControl) {
            return this;
        }

        @Override
        public Thinking withoutCacheControl() {
            return this;
        }
    }

    /** Thinking the API returned encrypted; like {@link Thinking}, it goes back unchanged. */
    record RedactedThinking(String data) implements ContentBlock {
        public RedactedThinking {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public Optional<CacheControl> cacheControl() {
            return Optional.empty();
        }

        @Override
        public RedactedThinking withCacheControl(CacheControl cacheControl) {
            return this;
        }

        @Override
        public RedactedThinking withoutCacheControl() {
            return this;
        }
    }
}
