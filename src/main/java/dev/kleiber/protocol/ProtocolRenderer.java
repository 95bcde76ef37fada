package dev.kleiber.protocol;

import java.util.List;
import java.util.function.Function;

/** Writes a protocol document in exactly the blueprint's layout; {@link ProtocolParser} reads it back equal. */
public final class ProtocolRenderer {
    private ProtocolRenderer() {
    }

    public static String render(ProtocolDocument document) {
        Writer out = new Writer();
        out.line("# " + document.kind().headingWord() + ": " + document.id());
        out.field("Agent", document.agent());
        switch (document) {
            case TaskFile task -> {
                out.field("Model", task.model().id());
                out.field("Priority", task.priority().id());
                out.field("Created", Timestamps.format(task.created()));
                out.extraFields(task.extraFields());
                out.text("Description", task.description());
                out.checklist("Acceptance Criteria", task.acceptanceCriteria());
                out.text("Context", task.context());
                out.text("Constraints", task.constraints());
            }
            case StartedFile started -> {
                out.field("Started", Timestamps.format(started.started()));
                out.field("Estimated", started.estimated());
                out.extraFields(started.extraFields());
                out.text("Approach", started.approach());
                out.bullets("Files I'll Touch", started.filesToTouch(), path -> path);
            }
            case CompleteFile complete -> {
                out.field("Completed", Timestamps.format(complete.completed()));
                out.field("Model Used", complete.modelUsed().id());
                out.field("Tokens", complete.tokens().input() + "/" + complete.tokens().output());
                out.extraFields(complete.extraFields());
                out.text("Summary", complete.summary());
                out.bullets("Files Changed", complete.filesChanged(), c -> c.path() + " (" + c.change().id() + ")");
                out.bullets("Tests Added", complete.testsAdded(), test -> test);
                out.bullets("Decisions Made", complete.decisions(), decision -> decision);
                out.checklist("Ready for Review", complete.readyForReview());
            }
            case BlockedFile blocked -> {
                out.field("Blocked Since", Timestamps.format(blocked.blockedSince()));
                out.field("Type", blocked.type().id());
                out.extraFields(blocked.extraFields());
                out.text("Problem", blocked.problem());
                out.numbered("Attempted Solutions", blocked.attemptedSolutions());
                out.text("Need From Conductor", blocked.needFromConductor());
            }
        }
        for (Section section : document.extraSections()) {
            out.text(section.heading(), section.body());
        }
        return out.toString();
    }

    private static final class Writer {
        private final StringBuilder text = new StringBuilder();

        void line(String line) {
            text.append(line).append('\n');
        }

        void field(String label, String value) {
            line(label + ": " + value);
        }

        void extraFields(List<Field> fields) {
            fields.forEach(f -> field(f.name(), f.value()));
        }

        void heading(String heading) {
            text.append('\n');
            line("## " + heading);
        }

        void text(String heading, String body) {
            heading(heading);
            if (!body.isEmpty()) {
                line(body);
            }
        }

        void checklist(String heading, List<CheckItem> items) {
            bullets(heading, items, item -> (item.done() ? "[x] " : "[ ] ") + item.text());
        }

        <T> void bullets(String heading, List<T> items, Function<T, String> format) {
            heading(heading);
            items.forEach(item -> line("- " + format.apply(item)));
        }

        void numbered(String heading, List<String> items) {
            heading(heading);
            for (int i = 0; i < items.size(); i++) {
                line((i + 1) + ". " + items.get(i));
            }
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
