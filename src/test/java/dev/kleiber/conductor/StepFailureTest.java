package dev.kleiber.conductor;

import dev.kleiber.KleiberException;
import dev.kleiber.store.LeaseLostException;
import dev.kleiber.store.StoreException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientException;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding 2 of issue 15: only a classified permanent error fails a task; a busy store or a git lock is tried again. */
class StepFailureTest {
    @Test
    void aBusyOrUnreachableStoreAndAGitLockAreTransient() {
        assertThat(StepFailure.of(new StoreException("store x: no connection free for 2 minutes",
                new SQLTransientException("no pooled connection free", "08001")))).isInstanceOf(StepFailure.Transient.class);
        assertThat(StepFailure.of(new StoreException("store x: write failed: [SQLITE_BUSY]",
                new SQLException("database is locked", null, 5)))).isInstanceOf(StepFailure.Transient.class);
        assertThat(StepFailure.of(new StoreException("store x: cannot reconnect",
                new SQLException("Connection refused", "08001")))).isInstanceOf(StepFailure.Transient.class);
        assertThat(StepFailure.of(KleiberException.failed("git worktree add failed: fatal: Unable to create "
                + "'/repo/.git/index.lock': File exists."))).isInstanceOf(StepFailure.Transient.class);
    }

    @Test
    void aLostLeaseIsItsOwnCaseAndAnythingUnknownIsPermanent() {
        assertThat(StepFailure.of(new LeaseLostException("task a: lease taken over"))).isInstanceOf(StepFailure.LeaseGone.class);
        assertThat(StepFailure.of(new IllegalStateException("a defect"))).isEqualTo(new StepFailure.Permanent("a defect"));
        assertThat(StepFailure.of(new StoreException("store x: write failed: UNIQUE constraint failed",
                new SQLException("UNIQUE constraint failed", null, 19)))).isInstanceOf(StepFailure.Permanent.class);
    }
}
