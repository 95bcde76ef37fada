/** The scribe's deterministic writing: CHANGELOG.md and PROGRESS.md entries (append-only) and one ADR per decision in docs/decisions/. */
package dev.kleiber.scribe;
