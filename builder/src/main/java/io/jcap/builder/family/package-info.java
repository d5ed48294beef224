/**
 * The kernel family interface ({@code KernelFamily}): how images of one family are built, what a
 * run boots ({@code RunPlan}, for foreground and detached runs alike) and how its console reads.
 *
 * <p>May import {@code api}, {@code repository}, {@code instance} and the hypervisor and model
 * modules; never an implementation package.
 */
package io.jcap.builder.family;
