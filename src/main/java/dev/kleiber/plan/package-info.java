/** Plans: tasks, plan files and the planner's submit_plan tool, the dependency graph and the pure scheduling core. */
package dev.kleiber.plan;
