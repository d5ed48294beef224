/**
 * The command line's option values: picocli converters that turn option text into domain values
 * (sizes, port mappings, durations, accelerators), the mixins for options several commands share,
 * and the one-line report of a refused value. May import picocli, {@code io.jcap.model} and the
 * library types the values are ({@code io.jcap.builder}, {@code io.jcap.hypervisor}); never
 * {@code io.jcap.cli}.
 */
package io.jcap.cli.options;
