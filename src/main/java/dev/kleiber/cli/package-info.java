/** The command line: thin picocli commands that parse, call the packages below and print. */
package dev.kleiber.cli;
