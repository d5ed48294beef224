package io.jcap.streamer;

import io.jcap.model.JcapException;

/** Streaming files into a guest failed: no connection, the guest refused, or its summary disagreed. */
public class StreamException extends JcapException {
    public StreamException(String message) {
        super(message);
    }

    public StreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
