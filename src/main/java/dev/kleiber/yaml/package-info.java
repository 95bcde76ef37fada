/** Safe YAML reading: plain maps, lists and strings with their line numbers, for messages that point at the line. */
package dev.kleiber.yaml;
