/** The run: plans a request (conductor drafts, architect reviews), routes and records the plan, schedules its tasks on parallel workers, validates, gates review, merges, answers blocked work, documents and resumes. */
package dev.kleiber.conductor;
