package io.jcap.cli;

import io.jcap.model.EnvironmentException;

/** For commands whose capability is not built yet: one line, exit code 3. */
final class NotBuiltYet {
    private NotBuiltYet() {
    }

    static EnvironmentException capability(String what) {
        return new EnvironmentException(what + " is not built yet in this version of jcap");
    }
}
