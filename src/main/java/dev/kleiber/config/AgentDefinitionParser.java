package dev.kleiber.config;

import dev.kleiber.KleiberException;
import dev.kleiber.routing.Tier;
import dev.kleiber.yaml.SafeYaml;
import dev.kleiber.yaml.YamlNode;
import dev.kleiber.yaml.YamlNode.Mapping;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses an agent definition file: YAML front matter between {@code ---} lines, then the prompt. Pure. */
final class AgentDefinitionParser {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    /** Claude Code's tool names, so that a team's existing subagent files work unchanged. */
    private static final Map<String, String> CLAUDE_CODE_TOOLS = Map.of(
            "read", "read_file", "write", "write_file", "edit", "edit_file", "multiedit", "edit_file",
            "bash", "run_command", "grep", "search", "glob", "list_files", "ls", "list_files");

    private final SafeYaml yaml;

    public AgentDefinitionParser(SafeYaml yaml) {
        this.yaml = yaml;
    }

    /** {@code source} is the file's path, shown in messages; its base name must equal the {@code name} key. */
    public AgentDefinition parse(String text, Path source) {
        String display = source.toString();
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals("---")) {
            throw KleiberException.badInput(display + " line 1: expected '---' opening the YAML front matter "
                    + "(name, description, model, tools, write, read, commands)");
        }
        int close = 1;
        while (close < lines.length && !lines[close].strip().equals("---")) {
            close++;
        }
        if (close == lines.length) {
            throw KleiberException.badInput(display + ": the front matter opened on line 1 is never closed by '---'");
        }
        // A blank first line keeps YAML line numbers equal to the file's.
        StringBuilder frontMatter = new StringBuilder("\n");
        for (int i = 1; i < close; i++) {
            frontMatter.append(lines[i]).append('\n');
        }
        Mapping keys = yaml.parse(frontMatter.toString(), display).asMapping("front matter")
                .allowOnly(Set.of("name", "description", "model", "tools", "write", "read", "commands", "color"));
        String prompt = String.join("\n", List.of(lines).subList(close + 1, lines.length)).strip();

        String expectedName = source.getFileName().toString().replaceFirst("\\.md$", "");
        String name = keys.requireText("name").strip();
        if (!NAME.matcher(name).matches()) {
            throw keys.require("name").error("'name' must be lower-case words joined by hyphens "
                    + "(like engineer-backend); found '" + name + "'");
        }
        if (!name.equals(expectedName)) {
            throw keys.require("name").error("'name' must match the file name '" + expectedName + "'; found '"
                    + name + "'");
        }
        String description = keys.requireText("description").strip();
        if (prompt.isEmpty()) {
            throw KleiberException.badInput(display + " line " + (close + 2)
                    + ": the role's prompt is missing after the front matter");
        }
        return new AgentDefinition(name, description, keys.get("model").flatMap(AgentDefinitionParser::model),
                tools(keys), globs(keys, "write", List.of()), globs(keys, "read", List.of("**")),
                keys.texts("commands").stream().map(String::strip).filter(c -> !c.isEmpty()).toList(),
                prompt, source);
    }

    private static Optional<Tier> model(YamlNode node) {
        String text = node.asText("model").strip();
        if (text.equalsIgnoreCase("inherit")) {
            return Optional.empty();
        }
        return Optional.of(Tier.parse(text).orElseThrow(() -> node.error(
                "'model' must be one of " + Tier.choices() + " (or inherit); found '" + text + "'")));
    }

    private static List<String> tools(Mapping keys) {
        Optional<YamlNode> node = keys.get("tools");
        if (node.isEmpty()) {
            return AgentDefinition.TOOL_NAMES;
        }
        List<String> written = new ArrayList<>();
        for (String item : keys.texts("tools")) {
            for (String part : item.split(",")) {
                if (!part.isBlank()) {
                    written.add(part.strip());
                }
            }
        }
        Set<String> tools = new LinkedHashSet<>();
        for (String tool : written) {
            String known = AgentDefinition.TOOL_NAMES.contains(tool) ? tool
                    : CLAUDE_CODE_TOOLS.get(tool.toLowerCase(Locale.ROOT));
            if (known == null) {
                throw node.get().error("unknown tool '" + tool + "'; expected any of "
                        + String.join(", ", AgentDefinition.TOOL_NAMES));
            }
            tools.add(known);
        }
        return List.copyOf(tools);
    }

    private static List<String> globs(Mapping keys, String key, List<String> fallback) {
        if (keys.get(key).isEmpty()) {
            return fallback;
        }
        List<String> globs = new ArrayList<>();
        for (String glob : keys.texts(key)) {
            String g = glob.strip();
            if (g.isEmpty() || g.startsWith("/") || g.contains("\\") || List.of(g.split("/")).contains("..")) {
                throw keys.require(key).error("'" + key + "' holds paths relative to the repository, like "
                        + "src/backend/**; found '" + glob + "'");
            }
            globs.add(g);
        }
        return List.copyOf(globs);
    }
}
