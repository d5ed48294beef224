/**
 * The host jcap runs on: running short-lived host tools ({@link io.jcap.host.HostTool}), large files' digests by
 * {@code openssl} or coreutils beside other work ({@link io.jcap.host.FileDigests}), deleting
 * file trees ({@link io.jcap.host.FileTrees}), host file names as guest names
 * ({@link io.jcap.host.HostNames}) and the one shutdown hook that undoes what a stopped jcap would
 * leave behind ({@link io.jcap.host.Cleanup}). May import {@code io.jcap.model} and the JDK only.
 */
package io.jcap.host;
