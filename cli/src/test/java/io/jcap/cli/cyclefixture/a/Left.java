package io.jcap.cli.cyclefixture.a;

import io.jcap.cli.cyclefixture.b.Right;

/** One side of a deliberate package cycle, for ArchitectureTest to find. */
public final class Left {
    public Right right() {
        return new Right();
    }
}
