/** Access to Claude: the {@link dev.kleiber.llm.LlmClient} port, its Anthropic SDK adapter with Kleiber's one retry policy, and the scripted client. */
package dev.kleiber.llm;
