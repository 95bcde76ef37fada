package dev.kleiber.agent;

import java.util.ArrayList;
import java.util.List;

/** Keeps every tool event, for assertions. */
final class RecordingEvents implements ToolEvents {
    final List<ToolEvent> events = new ArrayList<>();

    @Override
    public synchronized void record(ToolEvent event) {
        events.add(event);
    }

    synchronized ToolEvent last() {
        return events.getLast();
    }

    synchronized List<ToolEvent.Refused> refusals() {
        return events.stream().filter(ToolEvent.Refused.class::isInstance).map(ToolEvent.Refused.class::cast).toList();
    }
}
