package dev.kleiber.protocol;

import dev.kleiber.routing.Tier;
import org.commonmark.node.Heading;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads protocol files: markdown text in, a {@link ProtocolDocument} or every {@link Problem} out. Pure.
 * Tolerant of how people write (CRLF, trailing spaces, blank lines, {@code [X]}, any heading case, extra
 * sections and fields) and strict about what matters (required fields, closed sets, timestamps, token
 * counts, the id matching the file name, the agent matching its folder and being a known role).
 * Immutable and safe to share between threads.
 */
public final class ProtocolParser {
    /** Only the block structure is read (values come from the source lines), so inline parsing is skipped. */
    private static final Parser MARKDOWN = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS)
            .inlineParserFactory(context -> (lines, node) -> { }).build();
    private static final Pattern HEADING = Pattern.compile("([A-Za-z]+)\\s*:\\s*(.*)");
    private static final Pattern FIELD = Pattern.compile("([A-Za-z][A-Za-z0-9 '_-]*?)\\s*:\\s*(.*)");
    private static final Pattern TOKENS = Pattern.compile("(\\d{1,18})\\s*/\\s*(\\d{1,18})");
    private static final Pattern CHECKBOX = Pattern.compile("\\[([ xX])](?:\\s+(.*))?");
    private static final Pattern CHANGE = Pattern.compile("(.+?)\\s+\\(([A-Za-z]+)\\)");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern ATX_MARKS = Pattern.compile("^#+\\s*|\\s+#+\\s*$|^#+$");
    private static final String TIMESTAMP_HINT = "an ISO-8601 timestamp with an offset, e.g. 2025-01-09T14:30:00Z";

    private final Set<String> knownRoles;
    private final String roleChoices;

    /** {@code knownRoles}: the agent names a file may carry (the project's roles, conductor included). */
    public ProtocolParser(Collection<String> knownRoles) {
        this.knownRoles = Set.copyOf(new LinkedHashSet<>(knownRoles));
        this.roleChoices = String.join(", ", new LinkedHashSet<>(knownRoles));
    }

    /** Parses {@code text} as whichever kind its heading names. */
    public ParseResult parse(String text) {
        return parse(text, Optional.empty());
    }

    /** Parses {@code text} as the file at {@code location}: kind, id and agent must agree with it. */
    public ParseResult parse(String text, FileLocation location) {
        return parse(text, Optional.of(location));
    }

    private ParseResult parse(String text, Optional<FileLocation> location) {
        String normal = text.replace("\r\n", "\n").replace('\r', '\n');
        List<String> lines = List.of(normal.split("\n", -1));
        List<Node> blocks = children(MARKDOWN.parse(normal));
        String expectedHeading = location.map(l -> "'# " + l.kind().headingWord() + ": " + l.id() + "'")
                .orElse("'# Task: {task-id}' (or Started, Complete, Blocked)");
        if (blocks.isEmpty()) {
            return ParseResult.rejected(1, "the file is empty; expected a first line like " + expectedHeading);
        }
        Node first = blocks.get(0);
        int headingLine = lineOf(first);
        if (!(first instanceof Heading heading && heading.getLevel() == 1)) {
            return ParseResult.rejected(headingLine, "expected the file to start with a heading like "
                    + expectedHeading + "; found " + quote(lines.get(headingLine - 1).strip()));
        }
        String headingText = headingText(heading, lines);
        Matcher matcher = HEADING.matcher(headingText);
        Optional<Kind> kind = matcher.matches() ? Kind.ofHeadingWord(matcher.group(1)) : Optional.empty();
        if (kind.isEmpty()) {
            return ParseResult.rejected(headingLine,
                    "expected a heading like " + expectedHeading + "; found '# " + headingText + "'");
        }
        if (location.isPresent() && location.get().kind() != kind.get()) {
            return ParseResult.rejected(headingLine, "a file in " + location.get().kind().folder()
                    + "/ must start with " + expectedHeading + "; found '# " + headingText + "'");
        }
        Outline outline = new Outline(kind.get(), lines, headingLine, location);
        outline.readId(matcher.group(2).strip());
        outline.readBlocks(blocks);
        Optional<ProtocolDocument> document = switch (kind.get()) {
            case TASK -> outline.task();
            case STARTED -> outline.started();
            case COMPLETE -> outline.complete();
            case BLOCKED -> outline.blocked();
        };
        if (document.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(outline.problems);
            sorted.sort(Comparator.comparingInt(Problem::line));
            return new ParseResult.Rejected(sorted);
        }
        return new ParseResult.Parsed(document.get());
    }

    private record FieldLine(String label, String value, int line) {
    }

    private record SectionBlock(String heading, int headingLine, String body, List<Node> blocks) {
    }

    private record Item(String text, int line) {
    }

    /** One file being read: its fields and sections by normalised name, and the problems found so far. */
    private final class Outline {
        private final Kind kind;
        private final List<String> lines;
        private final int headingLine;
        private final Optional<FileLocation> location;
        private final List<Problem> problems = new ArrayList<>();
        private final Map<String, FieldLine> fields = new LinkedHashMap<>();
        private final Map<String, SectionBlock> sections = new LinkedHashMap<>();
        private final Set<String> knownFields;
        private final Set<String> knownSections;
        private String id = "";

        Outline(Kind kind, List<String> lines, int headingLine, Optional<FileLocation> location) {
            this.kind = kind;
            this.lines = lines;
            this.headingLine = headingLine;
            this.location = location;
            this.knownFields = switch (kind) {
                case TASK -> Set.of("agent", "model", "priority", "created");
                case STARTED -> Set.of("agent", "started", "estimated");
                case COMPLETE -> Set.of("agent", "completed", "model used", "tokens");
                case BLOCKED -> Set.of("agent", "blocked since", "type");
            };
            this.knownSections = switch (kind) {
                case TASK -> Set.of("description", "acceptance criteria", "context", "constraints");
                case STARTED -> Set.of("approach", "files i'll touch");
                case COMPLETE -> Set.of("summary", "files changed", "tests added", "decisions made",
                        "ready for review");
                case BLOCKED -> Set.of("problem", "attempted solutions", "need from conductor");
            };
        }

        void problem(int line, String message) {
            problems.add(new Problem(line, message));
        }

        void readId(String text) {
            id = text;
            if (text.isEmpty()) {
                problem(headingLine, "the heading has no task id; expected '# " + kind.headingWord() + ": {task-id}'");
            } else if (!Text.isSafeName(text)) {
                problem(headingLine, "the task id must be letters, digits, '.', '_' or '-', starting with a letter "
                        + "or digit; found " + quote(text));
            } else if (location.isPresent() && !text.equals(location.get().id())) {
                problem(headingLine, "the heading names task '" + text + "' but the file name says '"
                        + location.get().id() + "'; expected '# " + kind.headingWord() + ": " + location.get().id() + "'");
            }
        }

        void readBlocks(List<Node> blocks) {
            int index = 1;
            for (; index < blocks.size() && !isSection(blocks.get(index)); index++) {
                Node block = blocks.get(index);
                if (block instanceof Paragraph paragraph) {
                    paragraph.getSourceSpans().forEach(this::readField);
                } else {
                    problem(lineOf(block), "expected 'Label: value' lines such as 'Agent: engineer-backend' between "
                            + "the heading and the first '## ' section; found " + quote(lines.get(lineOf(block) - 1).strip()));
                }
            }
            while (index < blocks.size()) {
                Heading heading = (Heading) blocks.get(index);
                int next = index + 1;
                while (next < blocks.size() && !isSection(blocks.get(next))) {
                    next++;
                }
                int bodyStart = lastLineOf(heading);
                int bodyEnd = next < blocks.size() ? lineOf(blocks.get(next)) - 1 : lines.size();
                readSection(new SectionBlock(headingText(heading, lines), lineOf(heading),
                        body(bodyStart, bodyEnd), blocks.subList(index + 1, next)));
                index = next;
            }
        }

        private void readField(SourceSpan span) {
            int line = span.getLineIndex() + 1;
            String raw = spanText(span).strip();
            Matcher matcher = FIELD.matcher(raw);
            if (!matcher.matches()) {
                problem(line, "expected a 'Label: value' line such as 'Agent: engineer-backend'; found " + quote(raw));
                return;
            }
            String label = matcher.group(1).strip();
            String key = normalise(label);
            FieldLine previous = fields.get(key);
            if (previous != null) {
                problem(line, "'" + label + "' is given twice (first on line " + previous.line() + ")");
                return;
            }
            fields.put(key, new FieldLine(label, matcher.group(2).strip(), line));
        }

        private void readSection(SectionBlock section) {
            String key = normalise(section.heading());
            SectionBlock previous = sections.get(key);
            if (previous != null) {
                problem(section.headingLine(), "section '## " + section.heading() + "' appears twice (first on line "
                        + previous.headingLine() + ")");
                return;
            }
            if (section.heading().isEmpty()) {
                problem(section.headingLine(), "a '## ' section heading needs a name");
                return;
            }
            sections.put(key, section);
        }

        // ---- assembling the four kinds: every part is read (to find every problem) before any record is built ----

        private Optional<ProtocolDocument> build(Supplier<ProtocolDocument> document) {
            return problems.isEmpty() ? Optional.of(document.get()) : Optional.empty();
        }

        Optional<ProtocolDocument> task() {
            String agent = agent();
            Tier model = field("Model", "{opus|sonnet|haiku}", Tier.SONNET, (value, line) -> Tier.parse(value)
                    .orElseGet(() -> invalid(line, "Model must be one of " + Tier.choices() + "; found " + quote(value), Tier.SONNET)));
            Priority priority = field("Priority", "{p0|p1|p2}", Priority.P1, (value, line) -> Priority.parse(value)
                    .orElseGet(() -> invalid(line, "Priority must be one of p0, p1, p2; found " + quote(value), Priority.P1)));
            OffsetDateTime created = timestamp("Created");
            String description = text("Description", true);
            List<CheckItem> criteria = checklist("Acceptance Criteria", true);
            String context = text("Context", false);
            String constraints = text("Constraints", false);
            return build(() -> new TaskFile(id, agent, model, priority, created, description, criteria, context,
                    constraints, extraFields(), extraSections()));
        }

        Optional<ProtocolDocument> started() {
            String agent = agent();
            OffsetDateTime started = timestamp("Started");
            String estimated = field("Estimated", "{duration}", "", (value, line) -> value.isEmpty()
                    ? invalid(line, "Estimated must say how long, e.g. 'Estimated: 2h'; found nothing", "")
                    : value);
            String approach = text("Approach", true);
            List<String> files = paths("Files I'll Touch");
            return build(() -> new StartedFile(id, agent, started, estimated, approach, files, extraFields(),
                    extraSections()));
        }

        Optional<ProtocolDocument> complete() {
            String agent = agent();
            OffsetDateTime completed = timestamp("Completed");
            Tier model = field("Model Used", "{opus|sonnet|haiku}", Tier.SONNET, (value, line) -> Tier.parse(value)
                    .orElseGet(() -> invalid(line, "Model Used must be one of " + Tier.choices() + "; found " + quote(value), Tier.SONNET)));
            Tokens tokens = field("Tokens", "{input}/{output}", new Tokens(0, 0), (value, line) -> {
                Matcher m = TOKENS.matcher(value);
                return m.matches() ? new Tokens(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))
                        : invalid(line, "Tokens must be {input}/{output} as whole numbers, e.g. 'Tokens: 15000/8000'; found '"
                        + value + "'", new Tokens(0, 0));
            });
            String summary = text("Summary", true);
            List<FileChange> changes = items("Files Changed", "- path/to/file.ts (created)").stream()
                    .map(this::fileChange).toList();
            List<String> tests = paths("Tests Added");
            List<String> decisions = texts("Decisions Made", "- Chose X over Y because Z");
            List<CheckItem> ready = checklist("Ready for Review", false);
            return build(() -> new CompleteFile(id, agent, completed, model, tokens, summary, changes, tests, decisions,
                    ready, extraFields(), extraSections()));
        }

        Optional<ProtocolDocument> blocked() {
            String agent = agent();
            OffsetDateTime since = timestamp("Blocked Since");
            BlockType type = field("Type", "{" + BlockType.choices().replace(", ", "|") + "}", BlockType.TECHNICAL,
                    (value, line) -> BlockType.parse(value).orElseGet(() -> invalid(line,
                            "Type must be one of " + BlockType.choices() + "; found " + quote(value), BlockType.TECHNICAL)));
            String problem = text("Problem", true);
            List<String> attempted = texts("Attempted Solutions", "1. Tried X, failed because Y");
            String need = text("Need From Conductor", true);
            return build(() -> new BlockedFile(id, agent, since, type, problem, attempted, need, extraFields(),
                    extraSections()));
        }

        // ---- fields ----

        private <T> T invalid(int line, String message, T placeholder) {
            problem(line, message);
            return placeholder;
        }

        private <T> T field(String label, String hint, T placeholder, FieldReader<T> reader) {
            FieldLine field = fields.get(normalise(label));
            if (field == null) {
                return invalid(headingLine, "missing the line '" + label + ": " + hint + "' after the heading", placeholder);
            }
            return reader.read(field.value(), field.line());
        }

        private String agent() {
            return field("Agent", "{agent-name}", "", (value, line) -> {
                if (!knownRoles.contains(value) || !Text.isSafeName(value)) {
                    problem(line, "Agent must be one of " + roleChoices + "; found " + quote(value));
                }
                if (location.isPresent() && !value.equals(location.get().agent())) {
                    problem(line, "Agent '" + value + "' does not match the folder the file is in ('"
                            + location.get().agent() + "')");
                }
                return value;
            });
        }

        private OffsetDateTime timestamp(String label) {
            OffsetDateTime placeholder = OffsetDateTime.MIN;
            return field(label, "{ISO timestamp}", placeholder, (value, line) -> Timestamps.parse(value)
                    .orElseGet(() -> invalid(line, label + " must be " + TIMESTAMP_HINT + "; found " + quote(value),
                            placeholder)));
        }

        private List<Field> extraFields() {
            return fields.entrySet().stream().filter(e -> !knownFields.contains(e.getKey()))
                    .map(e -> new Field(e.getValue().label(), e.getValue().value())).toList();
        }

        // ---- sections ----

        private List<Section> extraSections() {
            return sections.entrySet().stream().filter(e -> !knownSections.contains(e.getKey()))
                    .map(e -> new Section(e.getValue().heading(), e.getValue().body())).toList();
        }

        private Optional<SectionBlock> section(String name, boolean required) {
            SectionBlock section = sections.get(normalise(name));
            if (section == null && required) {
                problem(headingLine, "missing the section '## " + name + "'");
            }
            return Optional.ofNullable(section);
        }

        private String text(String name, boolean required) {
            Optional<SectionBlock> section = section(name, required);
            if (section.isPresent() && required && section.get().body().isEmpty()) {
                problem(section.get().headingLine(), "the section '## " + name + "' is empty; write its text under the heading");
            }
            return section.map(SectionBlock::body).orElse("");
        }

        private List<Item> items(String name, String example) {
            Optional<SectionBlock> section = section(name, false);
            if (section.isEmpty()) {
                return List.of();
            }
            List<Item> items = new ArrayList<>();
            for (Node block : section.get().blocks()) {
                if (!(block instanceof ListBlock)) {
                    problem(lineOf(block), "expected list items like '" + example + "' under '## " + name + "'; found '"
                            + lines.get(lineOf(block) - 1).strip() + "'");
                    continue;
                }
                for (Node node : children(block)) {
                    item((ListItem) node, name).ifPresent(items::add);
                }
            }
            return items;
        }

        private Optional<Item> item(ListItem item, String section) {
            int line = lineOf(item);
            List<Node> content = children(item);
            if (content.isEmpty()) {
                problem(line, "empty list item under '## " + section + "'");
                return Optional.empty();
            }
            if (!(content.get(0) instanceof Paragraph paragraph) || content.size() > 1) {
                Node odd = content.size() > 1 ? content.get(1) : content.get(0);
                problem(lineOf(odd), "a list item under '## " + section + "' must be plain text on its own; found '"
                        + lines.get(lineOf(odd) - 1).strip() + "'");
                return Optional.empty();
            }
            List<String> parts = paragraph.getSourceSpans().stream().map(s -> spanText(s).strip()).toList();
            return Optional.of(new Item(String.join(" ", parts), line));
        }

        private List<String> texts(String name, String example) {
            return items(name, example).stream().map(Item::text).toList();
        }

        private List<String> paths(String name) {
            return items(name, "- path/to/file.ts").stream().map(item -> unquote(item.text())).toList();
        }

        private List<CheckItem> checklist(String name, boolean required) {
            Optional<SectionBlock> section = section(name, required);
            List<Item> items = items(name, "- [ ] criterion");
            if (section.isPresent() && required && items.isEmpty()) {
                problem(section.get().headingLine(), "the section '## " + name + "' has no items; expected at least one "
                        + "'- [ ] criterion'");
            }
            List<CheckItem> checks = new ArrayList<>();
            for (Item item : items) {
                Matcher matcher = CHECKBOX.matcher(item.text());
                if (!matcher.matches()) {
                    problem(item.line(), "expected a checklist item '- [ ] text' or '- [x] text' under '## " + name
                            + "'; found '- " + item.text() + "'");
                } else if (matcher.group(2) == null || matcher.group(2).isBlank()) {
                    problem(item.line(), "the checklist item under '## " + name + "' has no text after its box");
                } else {
                    checks.add(new CheckItem(matcher.group(2).strip(), !matcher.group(1).equals(" ")));
                }
            }
            return checks;
        }

        private FileChange fileChange(Item item) {
            Matcher matcher = CHANGE.matcher(item.text());
            Optional<FileChange.Change> change = matcher.matches()
                    ? FileChange.Change.parse(matcher.group(2)) : Optional.empty();
            if (change.isEmpty()) {
                problem(item.line(), "expected '- path (created|modified|deleted)' under '## Files Changed'; found '- "
                        + item.text() + "'");
                return new FileChange(item.text(), FileChange.Change.MODIFIED);
            }
            return new FileChange(unquote(matcher.group(1).strip()), change.get());
        }

        // ---- text helpers ----

        private String body(int fromLine, int toLine) {
            List<String> body = new ArrayList<>();
            for (int i = fromLine; i < toLine && i < lines.size(); i++) {
                body.add(lines.get(i).stripTrailing());
            }
            while (!body.isEmpty() && body.get(0).isEmpty()) {
                body.remove(0);
            }
            while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
                body.remove(body.size() - 1);
            }
            return String.join("\n", body);
        }

        private String spanText(SourceSpan span) {
            String line = lines.get(span.getLineIndex());
            int from = Math.min(span.getColumnIndex(), line.length());
            return line.substring(from, Math.min(from + span.getLength(), line.length()));
        }
    }

    @FunctionalInterface
    private interface FieldReader<T> {
        T read(String value, int line);
    }

    private static boolean isSection(Node node) {
        return node instanceof Heading heading && heading.getLevel() == 2;
    }

    /** The text of a heading as written: ATX markers and a setext underline removed. */
    private static String headingText(Heading heading, List<String> lines) {
        List<SourceSpan> spans = heading.getSourceSpans();
        String firstLine = lines.get(spans.get(0).getLineIndex()).strip();
        if (firstLine.startsWith("#")) {
            return ATX_MARKS.matcher(firstLine).replaceAll("").strip();
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < spans.size() - 1; i++) {
            text.append(i > 0 ? " " : "").append(lines.get(spans.get(i).getLineIndex()).strip());
        }
        return text.toString();
    }

    /** A value as it is quoted in messages, cut short so that one long line cannot flood the output. */
    private static String quote(String value) {
        return "'" + (value.length() > 80 ? value.substring(0, 77) + "..." : value) + "'";
    }

    /** Names compared without regard to case, spacing, typographic apostrophes or a trailing colon. */
    private static String normalise(String name) {
        String spaced = SPACES.matcher(name.replace('\u2019', '\'')).replaceAll(" ").strip();
        return (spaced.endsWith(":") ? spaced.substring(0, spaced.length() - 1).strip() : spaced).toLowerCase(Locale.ROOT);
    }

    private static String unquote(String text) {
        return text.length() >= 2 && text.startsWith("`") && text.endsWith("`")
                ? text.substring(1, text.length() - 1).strip() : text;
    }

    private static List<Node> children(Node parent) {
        List<Node> children = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNext()) {
            children.add(child);
        }
        return children;
    }

    private static int lineOf(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 1 : spans.get(0).getLineIndex() + 1;
    }

    private static int lastLineOf(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 1 : spans.get(spans.size() - 1).getLineIndex() + 1;
    }

}
