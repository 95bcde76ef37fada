package dev.kleiber.store;

import java.time.Clock;

/** Kleiber's memory: runs, tasks with their state machine, leases, the event log, the typed run events, and the tables the ledger uses. */
public final class Store implements AutoCloseable {
    private final Database database;
    private final Events events;
    private final Leases leases;
    private final Merges merges;
    private final Runs runs;
    private final RunEvents runEvents;
    private final Tasks tasks;
    private final Workers workers;

    public Store(Database database, Clock clock) {
        this.database = database;
        this.events = new Events(database, clock);
        this.leases = new Leases(database, clock);
        this.merges = new Merges(database, clock, events);
        this.runs = new Runs(database, clock, events);
        this.runEvents = new RunEvents(database);
        this.tasks = new Tasks(database, clock, events);
        this.workers = new Workers(database, clock);
    }

    /** Opens (and migrates) the store at {@code url}. */
    public static Store open(StoreUrl url, Clock clock) {
        return new Store(Database.open(url), clock);
    }

    public Database database() {
        return database;
    }

    public Events events() {
        return events;
    }

    public Leases leases() {
        return leases;
    }

    public Merges merges() {
        return merges;
    }

    public Runs runs() {
        return runs;
    }

    /** The typed run events, in order: what a live stream reads. */
    public RunEvents runEvents() {
        return runEvents;
    }

    public Tasks tasks() {
        return tasks;
    }

    /** The {@code kleiber worker} processes registered on this store. */
    public Workers workers() {
        return workers;
    }

    /** The queue of ready tasks, shared by every conductor and worker on this store. */
    public TaskQueue queue() {
        return tasks;
    }

    @Override
    public void close() {
        database.close();
    }
}
