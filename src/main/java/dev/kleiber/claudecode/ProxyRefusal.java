package dev.kleiber.claudecode;

/** Why the metering proxy refused a call of the agent CLI, kept so that the worker can tell what stopped it. */
public sealed interface ProxyRefusal {
    String message();

    /** The budget guard would not reserve the call's worst case: the task pauses, as Kleiber's own agents do. */
    record Budget(String message) implements ProxyRefusal {
    }

    /** The CLI asked for a model other than the routed one. */
    record Model(String requested, String routed) implements ProxyRefusal {
        @Override
        public String message() {
            return "Kleiber routed this task to " + routed + "; a call for " + requested + " is not allowed";
        }
    }

    /** No price is known for the model, so the call cannot be bounded. */
    record Unpriced(String message) implements ProxyRefusal {
    }
}
