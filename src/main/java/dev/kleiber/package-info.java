/** Kleiber, a conductor for AI coding agents: the root holds only what every package shares. */
package dev.kleiber;
