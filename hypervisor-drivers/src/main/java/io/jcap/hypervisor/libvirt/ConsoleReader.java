package io.jcap.hypervisor.libvirt;

import java.time.Duration;

/**
 * What reads a domain's console into its log on a thread of its own: the console's file
 * ({@link ConsoleFollower}), or the console itself as a libvirt stream ({@link LibvirtConsole}).
 */
interface ConsoleReader {
    /** The domain ended: read what is left, then end the log; returns at once. */
    void finish();

    /** Waits (bounded) until the log ended. */
    void join(Duration bound);

    /** Why reading the console failed, if it did. */
    String readError();
}
