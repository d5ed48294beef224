package io.jcap.cli.cyclefixture.b;

import io.jcap.cli.cyclefixture.a.Left;

/** The other side of a deliberate package cycle, for ArchitectureTest to find. */
public final class Right {
    public Left left() {
        return new Left();
    }
}
