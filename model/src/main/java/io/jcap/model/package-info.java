/**
 * The plan types every module shares: guest paths, sizes, port mappings, SHA-256 digests, image entries and trees, the event sink and jcap's exceptions with their exit codes. Imports the JDK only.
 */
package io.jcap.model;
