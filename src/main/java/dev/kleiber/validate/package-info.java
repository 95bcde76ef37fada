/** The validation gate: the blueprint's naming conventions, coverage thresholds and role quality gates, checked by code, and the validation report. */
package dev.kleiber.validate;
