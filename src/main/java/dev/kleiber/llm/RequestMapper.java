package dev.kleiber.llm;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.RedactedThinkingBlockParam;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns Kleiber's request records into the SDK's request parameters, and measures the result. */
final class RequestMapper {

    /**
     * Input the API adds around what the request carries: the tool-use system prompt (a few hundred tokens
     * when tools are present) and turn markers. Generous on purpose; see {@link #inputTokenUpperBound}.
     */
    static final long API_OVERHEAD_TOKENS = 1024;

    private RequestMapper() {
    }

    static MessageCreateParams toParams(LlmRequest request) {
        MessageCreateParams.Builder builder = MessageCreateParams.builder()
                .model(request.model())
                .maxTokens(request.maxTokens())
                .messages(request.messages().stream().map(RequestMapper::message).toList());
        if (!request.system().isEmpty()) {
            builder.systemOfTextBlockParams(request.system().stream().map(RequestMapper::text).toList());
        }
        request.tools().forEach(tool -> builder.addTool(tool(tool)));
        // This SDK version has no typed setter for temperature; the API still takes the field.
        request.temperature().ifPresent(t -> builder.putAdditionalBodyProperty("temperature", JsonValue.from(t)));
        return builder.build();
    }

    /** The same prompt for {@code POST /v1/messages/count_tokens}: model, system, tools and messages. */
    static MessageCountTokensParams toCountParams(LlmRequest request) {
        MessageCountTokensParams.Builder builder = MessageCountTokensParams.builder()
                .model(request.model())
                .messages(request.messages().stream().map(RequestMapper::message).toList());
        if (!request.system().isEmpty()) {
            builder.systemOfTextBlockParams(request.system().stream().map(RequestMapper::text).toList());
        }
        request.tools().forEach(tool -> builder.addTool(tool(tool)));
        return builder.build();
    }

    /**
     * A number of input tokens the request cannot exceed, known without asking the API: the UTF-8 size
     * in bytes of the request body as sent, plus {@link #API_OVERHEAD_TOKENS}. It is an upper bound because
     * Claude's tokenizer, like every byte-level BPE, makes each token of at least one byte of text, so no text
     * has more tokens than bytes; the body holds every byte of the prompt text plus JSON syntax, keys and
     * escapes that the model never sees as text (quotes, {@code "type":"text"}, ...), which exceed the few
     * tokens the API adds per turn. What the API adds beyond that, chiefly the tool-use system prompt, is a
     * few hundred tokens and covered by the overhead. Text only: Kleiber sends no images or documents.
     */
    static long inputTokenUpperBound(MessageCreateParams params) {
        try {
            return ObjectMappers.jsonMapper().writeValueAsBytes(params._body()).length + API_OVERHEAD_TOKENS;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the request body cannot be serialised", e);
        }
    }

    /** The dearest cache write (one hour) costs this many times the input price per token. */
    static final long CACHE_WRITE_PRICE_FACTOR = 2;

    /**
     * What the budget reserves for the input: {@link #inputTokenUpperBound} in input-price tokens. The budget
     * prices reserved input at the input rate, but a request with cache breakpoints may pay up to twice that for
     * the tokens it writes to cache; counting them twice keeps a cached call from settling above its reservation.
     */
    static long reservedInputTokens(LlmRequest request, MessageCreateParams params) {
        long bound = inputTokenUpperBound(params);
        return request.cacheBreakpoints().isEmpty() ? bound : bound * CACHE_WRITE_PRICE_FACTOR;
    }

    private static MessageParam message(Message message) {
        List<ContentBlockParam> blocks = message.content().stream().map(RequestMapper::block).toList();
        return switch (message.role()) {
            case USER -> MessageParam.ofUserOfContentBlockParams(blocks);
            case ASSISTANT -> MessageParam.ofAssistantOfContentBlockParams(blocks);
        };
    }

    private static ContentBlockParam block(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text text -> ContentBlockParam.ofText(text(text));
            case ContentBlock.ToolUse use -> {
                ToolUseBlockParam.Builder b = ToolUseBlockParam.builder()
                        .id(use.id())
                        .name(use.name())
                        .input(ToolUseBlockParam.Input.builder().additionalProperties(fields(use.input())).build());
                use.cacheControl().ifPresent(c -> b.cacheControl(cache(c)));
                yield ContentBlockParam.ofToolUse(b.build());
            }
            case ContentBlock.ToolResult result -> {
                ToolResultBlockParam.Builder b = ToolResultBlockParam.builder()
                        .toolUseId(result.toolUseId())
                        .content(result.content());
                if (result.isError()) {
                    b.isError(true);
                }
                result.cacheControl().ifPresent(c -> b.cacheControl(cache(c)));
                yield ContentBlockParam.ofToolResult(b.build());
            }
            case ContentBlock.Thinking thinking -> ContentBlockParam.ofThinking(ThinkingBlockParam.builder()
                    .thinking(thinking.thinking()).signature(thinking.signature()).build());
            case ContentBlock.RedactedThinking redacted -> ContentBlockParam.ofRedactedThinking(
                    RedactedThinkingBlockParam.builder().data(redacted.data()).build());
        };
    }

    private static TextBlockParam text(ContentBlock.Text text) {
        TextBlockParam.Builder b = TextBlockParam.builder().text(text.text());
        text.cacheControl().ifPresent(c -> b.cacheControl(cache(c)));
        return b.build();
    }

    private static Tool tool(ToolDefinition tool) {
        JsonNode schema = tool.inputSchema();
        Tool.InputSchema.Builder input = Tool.InputSchema.builder();
        schema.properties().forEach(field -> {
            switch (field.getKey()) {
                case "type" -> { } // always "object", which the SDK sets itself
                case "properties" -> input.properties(
                        Tool.InputSchema.Properties.builder().additionalProperties(fields(field.getValue())).build());
                case "required" -> input.required(stringList(field.getValue()));
                default -> input.putAdditionalProperty(field.getKey(), JsonValue.fromJsonNode(field.getValue()));
            }
        });
        Tool.Builder b = Tool.builder().name(tool.name()).description(tool.description()).inputSchema(input.build());
        tool.cacheControl().ifPresent(c -> b.cacheControl(cache(c)));
        return b.build();
    }

    private static CacheControlEphemeral cache(CacheControl control) {
        return CacheControlEphemeral.builder()
                .ttl(switch (control.ttl()) {
                    case FIVE_MINUTES -> CacheControlEphemeral.Ttl.TTL_5M;
                    case ONE_HOUR -> CacheControlEphemeral.Ttl.TTL_1H;
                })
                .build();
    }

    private static Map<String, JsonValue> fields(JsonNode object) {
        Map<String, JsonValue> fields = new LinkedHashMap<>();
        object.properties().forEach(e -> fields.put(e.getKey(), JsonValue.fromJsonNode(e.getValue())));
        return fields;
    }

    private static List<String> stringList(JsonNode array) {
        return array.valueStream().map(JsonNode::asText).toList();
    }
}
