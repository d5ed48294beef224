/**
 * Detached instances as stored under the jcap home: their records, status, published ports and
 * console logs. How a console reads comes from the kernel family through {@code InstanceConsole}.
 *
 * <p>May import {@code temp} and the model and hypervisor modules; nothing else of the builder.
 */
package io.jcap.builder.instance;
