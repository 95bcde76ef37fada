package dev.kleiber.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * How a row of the store's event log reads on the event stream: {@code event:} its kind, {@code id:} its sequence
 * number, {@code data:} {seq, at, runId, taskId, kind, detail}. The seam for the typed run events (contract A): when
 * the store keeps each RunEvent as JSON, the feed reads that table and this mapping passes the body through.
 */
final class StoredEvents {
    private StoredEvents() {
    }

    static EventFeed.StreamEvent toStreamEvent(EventFeed.StoredRow row) {
        ObjectNode data = ApiServer.JSON.createObjectNode();
        data.put("seq", row.seq());
        data.put("at", Instant.ofEpochMilli(row.atMs()).toString());
        data.put("runId", row.runId());
        data.put("taskId", row.taskId());
        data.put("kind", row.kind());
        data.put("detail", row.detail());
        try {
            return new EventFeed.StreamEvent(row.seq(), row.runId(), row.kind(), ApiServer.JSON.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
