package io.jcap.capstanfile;

import io.jcap.model.ByteSize;
import io.jcap.model.GuestPath;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the application in an image runs: the {@code runtime} key of a Capstanfile.
 *
 * <pre>{@code
 * runtime: native
 * runtime:
 *   java:
 *     main: com.example.Main
 *     classpath: [/app]
 * }</pre>
 *
 * Named after the Capstanfile key; code in this package that needs {@link java.lang.Runtime}
 * names it in full.
 */
public sealed interface Runtime permits Runtime.Native, Runtime.Java {

    /** A program run directly: {@code cmdline} names it. */
    record Native() implements Runtime {
    }

    /**
     * A Java application. With {@code main} or {@code jar} the command line can be derived, so
     * {@code cmdline} may be left out.
     *
     * @param main the main class, such as {@code com.example.Main}
     * @param jar an executable jar in the image, run with {@code -jar}
     * @param classpath guest paths on the class path, in order
     * @param jvmArgs options for the JVM, such as {@code -Dfoo=bar}
     * @param xms the initial heap ({@code -Xms})
     * @param xmx the largest heap ({@code -Xmx})
     * @param args arguments for the application
     */
    record Java(Optional<String> main, Optional<GuestPath> jar, List<GuestPath> classpath,
                List<String> jvmArgs, Optional<ByteSize> xms, Optional<ByteSize> xmx, List<String> args)
            implements Runtime {
        public Java {
            Objects.requireNonNull(main, "main");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(xms, "xms");
            Objects.requireNonNull(xmx, "xmx");
            classpath = List.copyOf(classpath);
            jvmArgs = List.copyOf(jvmArgs);
            args = List.copyOf(args);
        }

        /** Whether {@code cmdline} can be derived: there is a main class or a jar. */
        public boolean canDeriveCmdline() {
            return main.isPresent() || jar.isPresent();
        }
    }
}
