/** {@code kleiber serve}: the HTTP API v1 (tokens and scopes, rate limits, live run events over SSE), notifications, and the dashboard's files, over the same application services the CLI calls. */
package dev.kleiber.server;
