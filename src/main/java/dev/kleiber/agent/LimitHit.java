package dev.kleiber.agent;

import dev.kleiber.config.SandboxPolicy.Limits;

import java.time.Duration;

/** A per-command limit a command ran into, said to the model beside its exit code. */
public sealed interface LimitHit {
    String describe();

    record MemoryExceeded(long limitBytes) implements LimitHit {
        @Override
        public String describe() {
            return "killed: memory limit " + Limits.size(limitBytes);
        }
    }

    record ProcessesRefused(int limit, long refusals) implements LimitHit {
        @Override
        public String describe() {
            return refusals + " process creation" + (refusals == 1 ? " was" : "s were") + " refused: process limit "
                    + limit;
        }
    }

    record CpuTimeExceeded(Duration limit) implements LimitHit {
        @Override
        public String describe() {
            return "killed: CPU time limit " + limit.toSeconds() + " s per process";
        }
    }

    record FileTooLarge(long limitBytes) implements LimitHit {
        @Override
        public String describe() {
            return "killed: file size limit " + Limits.size(limitBytes);
        }
    }
}
