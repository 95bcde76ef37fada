/** The blueprint's four markdown protocol files (task, started, complete, blocked): records, parsing, rendering, validation, atomic file access and watching. */
package dev.kleiber.protocol;
