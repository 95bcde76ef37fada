/** Routing: picks the cheapest Claude tier that can reliably do a task, with the reasons (pure, no I/O). */
package dev.kleiber.routing;
