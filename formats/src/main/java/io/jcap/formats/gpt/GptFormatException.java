package io.jcap.formats.gpt;

import java.io.IOException;

/** A disk without a GUID partition table, or with a damaged one; the message says which and where. */
public final class GptFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public GptFormatException(String message) {
        super(message);
    }
}
