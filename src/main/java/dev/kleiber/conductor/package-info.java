/** The run: routes and records a plan, schedules its tasks on parallel workers, validates, gates review, merges, documents and resumes. */
package dev.kleiber.conductor;
