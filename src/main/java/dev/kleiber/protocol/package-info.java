/** The blueprint's four markdown protocol files (task, started, complete, blocked): records, parsing, rendering, validation and bounded file access. */
package dev.kleiber.protocol;
