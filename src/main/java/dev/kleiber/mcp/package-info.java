/**
 * {@code kleiber mcp}: Kleiber as a Model Context Protocol server over stdio. Every read tool runs the same
 * {@code kleiber} command a person would type (in-process, with {@code --json}) so that answers and error messages
 * are the CLI's own; the one write tool writes a task or blocked file only after the protocol parser accepts it.
 * No tool approves, rejects, resumes or raises a budget: those are a person's decisions.
 */
package dev.kleiber.mcp;
