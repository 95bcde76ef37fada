/** Project configuration: {@code .kleiber/kleiber.yaml} and {@code .kleiber/agents/*.md}, validated into records, and {@code kleiber init}. */
package dev.kleiber.config;
