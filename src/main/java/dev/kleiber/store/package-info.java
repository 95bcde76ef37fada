/** Persistence of runs, tasks, leases, events and the cost ledger on SQLite or PostgreSQL through one JDBC implementation. */
package dev.kleiber.store;
