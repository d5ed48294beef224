package io.jcap.capstanfile;

/** A place in a Capstanfile: 1-based line and column. */
record Position(int line, int column) {
    static final Position START = new Position(1, 1);
}
