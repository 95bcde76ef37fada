/** What the CLI and the server both do for a person: the run, task and ledger documents they show, and the decisions only a person makes (approve, reject, answer, budget). */
package dev.kleiber.app;
