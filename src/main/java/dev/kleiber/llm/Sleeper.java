package dev.kleiber.llm;

import java.time.Duration;

/** Waits between attempts; injected so that tests run retries with a fake clock in no time. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
}
