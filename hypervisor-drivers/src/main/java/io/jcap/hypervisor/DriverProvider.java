package io.jcap.hypervisor;

import io.jcap.model.JcapException;

/**
 * Makes the drivers of one package known to {@link Drivers}: listed in
 * {@code META-INF/services/io.jcap.hypervisor.DriverProvider}, so adding a driver is adding a
 * package and a line there, not editing a switch.
 */
public interface DriverProvider {
    /** The name {@link Drivers#named} picks this driver by. */
    String name();

    Driver create(DriverSettings settings) throws JcapException;
}
