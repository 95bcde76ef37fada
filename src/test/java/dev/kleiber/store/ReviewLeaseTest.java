package dev.kleiber.store;

import dev.kleiber.routing.Tier;
import dev.kleiber.testutil.ManualClock;
import dev.kleiber.testutil.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A person's approval of a task awaiting review takes the task's fence like a claim ({@link Tasks#leaseForReview},
 * ADR 0134): one approval at a time, the worker that held the task before is stale, a rejection waits for the
 * approval, and an approval that stalled past its lease is taken over and its write refused.
 */
class ReviewLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void theReviewLeaseRefusesASecondApprovalARejectionMeanwhileAndAnExpiredApprovalsWrite() {
        ManualClock clock = new ManualClock(Instant.now());
        try (Store timed = Store.open(TestStores.fresh(TestStores.Kind.SQLITE, tmp), clock)) {
            timed.runs().create("r", "a request", tx -> {
                timed.tasks().add(tx, "r", List.of(new Tasks.NewTask("t", "engineer-backend", Tier.SONNET, List.of())));
                return null;
            });
            Claim worker = timed.queue().claimAny("worker-1", Set.of(), TTL).orElseThrow();
            timed.tasks().transition(worker, TaskState.VALIDATING, "done");
            timed.tasks().transition(worker, TaskState.AWAITING_REVIEW, "validated");

            Tasks.ReviewLease first = timed.tasks().leaseForReview("r", "t", "approve-ana", TTL);
            assertThat(first).isInstanceOf(Tasks.ReviewLease.Taken.class);
            Claim ana = ((Tasks.ReviewLease.Taken) first).review();
            assertThat(ana.lease().fence()).isEqualTo(worker.lease().fence() + 1);
            assertThat(timed.tasks().leaseForReview("r", "t", "approve-bo", TTL))
                    .isEqualTo(new Tasks.ReviewLease.Busy("approve-ana"));
            assertThatThrownBy(() -> timed.tasks().transition("r", "t", TaskState.QUEUED, "rejected"))
                    .isInstanceOf(LeaseLostException.class).hasMessageContaining("being approved by approve-ana");
            assertThatThrownBy(() -> timed.tasks().transition(worker, TaskState.MERGED, "a zombie's write"))
                    .isInstanceOf(LeaseLostException.class);

            // ana stalls past her lease: bo takes the task over, and ana's write is refused
            clock.advance(TTL.plusSeconds(1));
            Claim bo = ((Tasks.ReviewLease.Taken) timed.tasks().leaseForReview("r", "t", "approve-bo", TTL)).review();
            assertThat(bo.lease().fence()).isEqualTo(ana.lease().fence() + 1);
            assertThatThrownBy(() -> timed.tasks().settleReview(ana, TaskState.MERGED, "late"))
                    .isInstanceOf(LeaseLostException.class);
            TaskRecord merged = timed.tasks().settleReview(bo, TaskState.MERGED, "approved");
            assertThat(merged.state()).isEqualTo(TaskState.MERGED);
            assertThat(merged.leaseId()).isEmpty();
            assertThat(timed.tasks().leaseForReview("r", "t", "approve-cy", TTL))
                    .isEqualTo(new Tasks.ReviewLease.Decided(TaskState.MERGED));
        }
    }
}
