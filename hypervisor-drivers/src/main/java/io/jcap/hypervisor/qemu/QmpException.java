package io.jcap.hypervisor.qemu;

import io.jcap.model.JcapException;

/** A QMP exchange failed: QEMU answered with an error, closed the socket, or did not answer in time. */
public class QmpException extends JcapException {
    public QmpException(String message) {
        super(message);
    }

    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
