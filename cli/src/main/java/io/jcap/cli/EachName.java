package io.jcap.cli;

import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.util.List;

/**
 * Runs a command's work for each name it was given, as {@code docker stop a b c} does: a name
 * that fails (unknown, or its work failed) is reported as {@code jcap: ...} and the next names
 * still get their turn; the exit code is that of the first failure, 0 when none failed.
 */
final class EachName {
    /** The work for one name. */
    @FunctionalInterface
    interface Work {
        void run(String name) throws JcapException, InterruptedException;
    }

    private EachName() {
    }

    static int run(List<String> names, PrintWriter err, Work work) throws InterruptedException {
        int code = 0;
        for (String name : names) {
            try {
                work.run(name);
            } catch (JcapException e) {
                err.println("jcap: " + e.getMessage());
                err.flush();
                if (code == 0) {
                    code = e.exitCode().code();
                }
            }
        }
        return code;
    }
}
