package io.jcap.formats.rofs;

import io.jcap.model.JcapException;

/** Writing or reading an OSv read-only file system (ROFS) failed, or the bytes are not one. */
public class RofsException extends JcapException {
    public RofsException(String message) {
        super(message);
    }

    public RofsException(String message, Throwable cause) {
        super(message, cause);
    }
}
