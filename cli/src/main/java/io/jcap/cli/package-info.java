/**
 * The {@code jcap} command line, a thin front over the library modules: each command parses its
 * options, calls the library and renders what it returns; errors become one line and a documented
 * exit code. May import picocli, Jackson (for {@code --json}), {@code io.jcap.cli.options} and the
 * library modules' public APIs; behaviour belongs in those modules, not here.
 */
package io.jcap.cli;
