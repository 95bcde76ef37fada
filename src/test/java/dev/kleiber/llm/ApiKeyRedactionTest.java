package dev.kleiber.llm;

import dev.kleiber.llm.fake.FakeReply;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The API key reaches the API and nothing else: no exception, no record's toString, no output of the process. */
class ApiKeyRedactionTest extends FakeApiTestSupport {

    @Test
    void theKeyIsSentButAppearsInNoOutputExceptionOrRecord() {
        // a proxy that echoes the key it was given, and then a retried failure, then a refusal
        api.enqueue(
                FakeReply.error(529, "overloaded_error", "Overloaded for key " + KEY),
                FakeReply.answer(FakeReply.text("fine")),
                FakeReply.error(401, "authentication_error", "invalid x-api-key: " + KEY));
        List<String> seen = new ArrayList<>();
        StreamListener listener = new StreamListener() {
            @Override
            public void onText(String delta) {
                seen.add(delta);
            }

            @Override
            public void onRetry(RetryNotice notice) {
                seen.add(notice.text());
            }
        };
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        Throwable refused;
        AnthropicClient client = client();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LlmResponse response = client.send(CONTEXT, request(), listener);
            seen.add(response.toString());
            refused = catchThrowable(() -> client.send(CONTEXT, request(), listener));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        assertThat(api.requests()).allSatisfy(r -> assertThat(r.credential()).contains(KEY));
        assertThat(refused).isInstanceOf(LlmCallException.class).hasMessageContaining("[redacted]");
        seen.add(refused.getMessage());
        seen.add(refused.toString());
        seen.add(((LlmCallException) refused).failure().describe());
        seen.add(((LlmCallException) refused).failure().toString());
        seen.add(settings().toString());
        seen.add(settings().apiKey().toString());
        seen.add(client.toString());
        seen.addAll(budget.settled().stream().map(Object::toString).toList());
        seen.add(captured.toString(StandardCharsets.UTF_8));

        assertThat(seen).isNotEmpty().noneMatch(text -> text.contains(KEY));
    }
}
