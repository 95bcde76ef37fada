/** Agents: role permissions, the path guard, the tools an agent may call and the sandbox its commands run in. */
package dev.kleiber.agent;
