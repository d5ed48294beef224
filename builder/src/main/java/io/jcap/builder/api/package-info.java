/**
 * What callers of the builder pass and get back: {@code JcapHome}, build and run requests,
 * results, and the rules of a guest command line.
 *
 * <p>May import {@code repository} and {@code instance} (for the types results carry and names
 * requests check), the model, capstanfile and hypervisor modules; nothing else of the builder.
 */
package io.jcap.builder.api;
