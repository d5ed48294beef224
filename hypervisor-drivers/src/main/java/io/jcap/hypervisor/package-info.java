/**
 * Running guests whatever the hypervisor: the {@link io.jcap.hypervisor.Driver} interface and
 * {@link io.jcap.hypervisor.Drivers} that picks one by name, the driver-neutral guest description
 * ({@link io.jcap.hypervisor.VmSpec}, {@link io.jcap.hypervisor.Drive}, port forwards,
 * accelerators), the one guest lifecycle ({@link io.jcap.hypervisor.GuestLifecycle}) and the
 * console ({@link io.jcap.hypervisor.ConsoleLog}, {@link io.jcap.hypervisor.ConsoleLineSplitter}).
 *
 * <p>May import: {@code io.jcap.model} and the JDK. Never a driver package ({@code qemu},
 * {@code libvirt}): drivers depend on this package, and are found through
 * {@link io.jcap.hypervisor.DriverProvider} services.
 */
package io.jcap.hypervisor;
