package io.jcap.builder.instance;

import io.jcap.hypervisor.libvirt.RemoteConsole;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * This machine's copy of the console of an instance on a remote libvirt host (and of libvirt's
 * log of its QEMU, where the SSH user may read it), brought up to date over one SSH session held
 * open from the first copy. For every other instance, whose console is here, there is nothing to
 * copy and every copy succeeds.
 *
 * <pre>{@code
 * try (RemoteConsoleCopies copies = new RemoteConsoleCopies(instance)) {
 *     copies.copy();                                  // then read instance.files().consoleLog()
 * }
 * }</pre>
 */
public final class RemoteConsoleCopies implements AutoCloseable {
    /** How long after a failed copy the next one waits (each is an SSH login). */
    private static final Duration RETRY = Duration.ofSeconds(1);
    private final Instance instance;
    private RemoteConsole remote;
    private long retryAt = System.nanoTime();

    public RemoteConsoleCopies(Instance instance) {
        this.instance = instance;
    }

    /**
     * Brings the console's copy up to date; false when the host could not be read this time (a
     * call {@link #RETRY} later logs in again: a follower outlives a dropped connection).
     */
    public boolean copy() {
        return copy(false);
    }

    /** The same, and libvirt's log of the domain's QEMU too: how an ended instance is worked out. */
    boolean copyWithQemuLog() {
        return copy(true);
    }

    /**
     * Makes an empty copy of the console when there is none yet, for a follower of the copy (it
     * reads nothing without a file) whose first copy failed.
     */
    public void createIfMissing() throws JcapException {
        Path file = instance.files().consoleLog();
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // Made by another jcap command's copy meanwhile.
        } catch (IOException e) {
            throw new JcapException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    private boolean copy(boolean qemuLog) {
        if (instance.domain().filter(Instance.Domain::remote).isEmpty()) {
            return true;
        }
        if (System.nanoTime() - retryAt < 0) {
            return false;
        }
        Instance.Domain d = instance.domain().get();
        try {
            if (remote == null) {
                remote = RemoteConsole.open(d.uri());
            }
            if (qemuLog) {
                try {
                    remote.copyNew(RemoteConsole.qemuLogOf(d.name()), instance.files().qemuLog());
                } catch (IOException e) {
                    // Only root reads it on most hosts: the console alone says how the instance ended.
                }
            }
            remote.copyNew(RemoteConsole.consoleOf(d.folder()), instance.files().consoleLog());
            return true;
        } catch (JcapException | IOException e) {
            close();
            retryAt = System.nanoTime() + RETRY.toNanos();
            return false;
        }
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.close();
            remote = null;
        }
    }
}
