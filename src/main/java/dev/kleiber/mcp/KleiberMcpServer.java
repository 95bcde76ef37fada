package dev.kleiber.mcp;

import dev.kleiber.KleiberException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.json.JsonMapper;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Kleiber's MCP server over stdio (the official SDK): the tools of {@link KleiberTools}, each answering with the
 * CLI's text and, where the CLI prints JSON, the same document as structured content; a failure is a tool error
 * ({@code isError: true}) whose text is the CLI's message, never a protocol error or a stack trace.
 */
public final class KleiberMcpServer {
    private final List<KleiberTool> tools;
    private final String version;

    public KleiberMcpServer(KleiberCommands commands, Path project, String version) {
        this.tools = new KleiberTools(commands, project, new ProtocolFileDesk(project)).all();
        this.version = version;
    }

    /** Serves MCP on {@code in}/{@code out} until {@code in} ends (the client closed it or went away). */
    public void serve(InputStream in, OutputStream out) throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        McpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        StdioServerTransportProvider transport = new StdioServerTransportProvider(json, new EndSignalling(in, ended), out);
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("kleiber", version)
                .instructions("Kleiber routes, plans, budgets and reports on AI coding work in this project. These tools "
                        + "read its state and may add task or blocked files; approving, rejecting, resuming and raising "
                        + "budgets are left to a person on the command line.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(json)
                .validateToolInputs(true)
                .tools(tools.stream().map(tool -> specification(tool, json)).toList())
                .build();
        try {
            ended.await();
        } finally {
            server.closeGracefully();
        }
    }

    private static SyncToolSpecification specification(KleiberTool tool, McpJsonMapper json) {
        McpSchema.Tool described = McpSchema.Tool.builder()
                .name(tool.name())
                .title(tool.title())
                .description(tool.description())
                .inputSchema(tool.inputSchema())
                .annotations(new McpSchema.ToolAnnotations(tool.title(), tool.readOnly(), false, tool.readOnly(), false,
                        null))
                .build();
        return SyncToolSpecification.builder()
                .tool(described)
                .callHandler((exchange, request) -> result(call(tool, request)))
                .build();
    }

    private static ToolAnswer call(KleiberTool tool, McpSchema.CallToolRequest request) {
        try {
            return tool.call().apply(new ToolArguments(request.arguments()));
        } catch (KleiberException e) {
            return new ToolAnswer.Refused("kleiber: " + e.getMessage());
        } catch (RuntimeException e) {
            // the CLI's own last resort says the same; the client gets a tool error, never a broken session
            return new ToolAnswer.Refused("kleiber: unexpected error: " + e);
        }
    }

    private static McpSchema.CallToolResult result(ToolAnswer answer) {
        return switch (answer) {
            case ToolAnswer.Answer a -> {
                McpSchema.CallToolResult.Builder result = McpSchema.CallToolResult.builder()
                        .addTextContent(a.text().isBlank() ? "(no output)" : a.text()).isError(false);
                a.structured().ifPresent(result::structuredContent);
                yield result.build();
            }
            case ToolAnswer.Refused r -> McpSchema.CallToolResult.builder().addTextContent(r.message()).isError(true)
                    .build();
        };
    }

    /** The input stream, counting {@code ended} down when it reaches its end or fails. */
    private static final class EndSignalling extends FilterInputStream {
        private final CountDownLatch ended;

        EndSignalling(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            return signalled(() -> super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return signalled(() -> super.read(b, off, len));
        }

        private int signalled(IoRead read) throws IOException {
            try {
                int n = read.read();
                if (n < 0) {
                    ended.countDown();
                }
                return n;
            } catch (IOException e) {
                ended.countDown();
                throw e;
            }
        }

        private interface IoRead {
            int read() throws IOException;
        }
    }
}
