package io.jcap.hypervisor.libvirt.push;

import io.jcap.formats.qcow2.Qcow2Header;
import io.jcap.host.Cleanup;
import io.jcap.hypervisor.libvirt.LibvirtConnections;
import io.jcap.hypervisor.libvirt.LibvirtUri;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.libvirt.Stream;

/**
 * Uploads a qcow2 image into a libvirt storage pool as a volume, through libvirt's own stream
 * ({@code virStorageVolUpload}): the bytes travel on the libvirt connection, so a host reached
 * with {@code qemu+ssh://} needs no SFTP and no file of jcap's there.
 *
 * <pre>{@code
 * PoolVolume v = PoolVolumes.upload(LibvirtUri.parse("qemu+ssh://jcap@kvm1/system"), image,
 *         VolumeTarget.named("hello.qcow2"), events);
 * v.path();   // /var/lib/libvirt/images/hello.qcow2
 * }</pre>
 *
 * <p>The volume is made with format qcow2 and the image's virtual size as its capacity, then the
 * file is sent as it is. A volume that exists already is an error unless the target replaces it
 * (it is deleted first), and a volume a running domain has as its disk is never replaced; an
 * upload that fails, or that jcap's Ctrl-C stops, deletes the volume it made, so no half image
 * stays.
 */
public final class PoolVolumes {
    private static final int CHUNK = 1 << 20;

    private PoolVolumes() {
    }

    /** Uploads {@code qcow2} to {@code target} on {@code uri}; progress goes to {@code events} as bytes sent of the file's size. */
    public static PoolVolume upload(LibvirtUri uri, Path qcow2, VolumeTarget target, EventSink events)
            throws JcapException, InterruptedException {
        return upload(uri, qcow2, qcow2.getFileName().toString(), target, events);
    }

    /** The same, the progress naming what is sent as {@code label} (the image's name) rather than by its file's name. */
    public static PoolVolume upload(LibvirtUri uri, Path qcow2, String label, VolumeTarget target, EventSink events)
            throws JcapException, InterruptedException {
        long capacity = requireQcow2(qcow2);
        long size = size(qcow2);
        Connect connect = LibvirtConnections.open(uri);
        try {
            StoragePool pool = pool(connect, uri, target.pool());
            replaceOrRefuse(connect, pool, uri, target);
            StorageVol volume = create(pool, uri, target, capacity);
            // On Ctrl-C or SIGTERM the hook deletes it over a connection of its own.
            try (Cleanup.Registration r = Cleanup.register("delete the half-uploaded volume " + target,
                    () -> deleteAfterInterrupt(uri, target))) {
                Duration streamed = send(connect, volume, qcow2, size, "Uploading " + label + " to " + target,
                        events);
                r.release();
                return new PoolVolume(uri, target.pool(), target.volume(), volume.getPath(), size, capacity, streamed);
            } catch (JcapException | InterruptedException | RuntimeException e) {
                deleteQuietly(volume);
                throw e;
            } catch (LibvirtException e) {
                deleteQuietly(volume);
                throw new JcapException("libvirt at " + uri + " failed while uploading " + qcow2 + " to volume "
                        + target + ": " + LibvirtConnections.message(e), e);
            }
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " failed while preparing volume " + target + ": "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /**
     * Whether {@code target}'s volume exists (what a push with --replace would replace), refusing
     * what {@link #upload} would refuse: an existing volume the target does not replace, or one a
     * running domain has as its disk. A push asks before it sends anything.
     */
    public static boolean checkUploadable(LibvirtUri uri, VolumeTarget target) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            StoragePool pool = pool(connect, uri, target.pool());
            pool.refresh(0);
            if (!List.of(pool.listVolumes()).contains(target.volume())) {
                return false;
            }
            refuse(connect, pool, uri, target);
            return true;
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " could not list the volumes of pool " + target.pool() + ": "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /** Deletes volume {@code volume} of pool {@code pool}; a missing volume is fine. */
    public static void delete(LibvirtUri uri, String pool, String volume) throws JcapException {
        Connect connect = LibvirtConnections.open(uri);
        try {
            StoragePool p = pool(connect, uri, pool);
            p.refresh(0);
            if (List.of(p.listVolumes()).contains(volume)) {
                p.storageVolLookupByName(volume).delete(0);
            }
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " could not delete volume " + pool + "/" + volume + ": "
                    + LibvirtConnections.message(e), e);
        } finally {
            LibvirtConnections.closeQuietly(connect);
        }
    }

    /** The image's virtual size; a file that is not a self-contained qcow2 image is refused. */
    private static long requireQcow2(Path qcow2) throws JcapException {
        if (Qcow2Header.read(qcow2).isEmpty()) {
            throw new JcapException("cannot upload " + qcow2 + " as a qcow2 volume: it is not a qcow2 image (no qcow2"
                    + " header)");
        }
        // The host's QEMU would open a backing or data file by the name in the header, there.
        Qcow2Header.requireSelfContained(qcow2, "image");
        return Qcow2Header.virtualSize(qcow2);
    }

    private static long size(Path file) throws JcapException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new JcapException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The active pool {@code name}; missing, the error lists the pools there. */
    static StoragePool pool(Connect connect, LibvirtUri uri, String name) throws JcapException, LibvirtException {
        List<String> names = new ArrayList<>(List.of(connect.listStoragePools()));
        List<String> inactive = List.of(connect.listDefinedStoragePools());
        if (inactive.contains(name)) {
            throw new JcapException("storage pool '" + name + "' at " + uri + " is not active: start it with 'virsh -c "
                    + uri + " pool-start " + name + "'");
        }
        if (!names.contains(name)) {
            names.addAll(inactive);
            names.sort(null);
            throw new JcapException("there is no storage pool '" + name + "' at " + uri + " (" + (names.isEmpty()
                    ? "it has none: define one, e.g. 'virsh -c " + uri + " pool-define-as default dir --target"
                    + " /var/lib/libvirt/images' then pool-build, pool-start" : "pools there: " + String.join(", ", names))
                    + ")");
        }
        return connect.storagePoolLookupByName(name);
    }

    private static void replaceOrRefuse(Connect connect, StoragePool pool, LibvirtUri uri, VolumeTarget target)
            throws JcapException, LibvirtException {
        // The pool may hold files libvirt has not seen yet (a dir pool's folder changed by hand).
        pool.refresh(0);
        if (!List.of(pool.listVolumes()).contains(target.volume())) {
            return;
        }
        refuse(connect, pool, uri, target);
        pool.storageVolLookupByName(target.volume()).delete(0);
    }

    /**
     * Refuses an existing volume unless the target replaces it, and one that a running domain has
     * as a disk always: deleted under it, the domain would go on writing a file no name leads to.
     */
    private static void refuse(Connect connect, StoragePool pool, LibvirtUri uri, VolumeTarget target)
            throws JcapException, LibvirtException {
        if (!target.replace()) {
            throw new JcapException("volume '" + target.volume() + "' already exists in storage pool '" + target.pool()
                    + "' at " + uri + ": replace it (--replace) or choose another volume name (--volume)");
        }
        String path = pool.storageVolLookupByName(target.volume()).getPath();
        String quoted = "'" + path + "'";
        List<String> users = LibvirtConnections.readRunning(connect,
                domain -> domain.getXMLDesc(0).contains(quoted) ? domain.getName() : null);
        for (String user : users) {
            if (user != null) {
                throw new JcapException("volume " + target + " at " + uri + " is the disk of running domain '" + user
                        + "': stop it first ('virsh -c " + uri + " shutdown " + user + "') to replace the volume, or"
                        + " choose another volume name (--volume)");
            }
        }
    }

    /** The shutdown hook's deletion of a volume whose upload was interrupted; a failure is said. */
    private static void deleteAfterInterrupt(LibvirtUri uri, VolumeTarget target) {
        try {
            delete(uri, target.pool(), target.volume());
        } catch (JcapException | RuntimeException e) {
            System.err.println("warning: the half-uploaded volume " + target + " at " + uri + " is left: delete it with"
                    + " 'virsh -c " + uri + " vol-delete " + target.volume() + " --pool " + target.pool() + "' ("
                    + e.getMessage() + ")");
        }
    }

    private static StorageVol create(StoragePool pool, LibvirtUri uri, VolumeTarget target, long capacity)
            throws JcapException {
        String xml = "<volume>\n  <name>" + target.volume() + "</name>\n  <capacity unit='bytes'>" + capacity
                + "</capacity>\n  <allocation unit='bytes'>0</allocation>\n  <target>\n    <format type='qcow2'/>\n"
                + "  </target>\n</volume>\n";
        try {
            return pool.storageVolCreateXML(xml, 0);
        } catch (LibvirtException e) {
            throw new JcapException("libvirt at " + uri + " could not create volume " + target + ": "
                    + LibvirtConnections.message(e), e);
        }
    }

    private static Duration send(Connect connect, StorageVol volume, Path file, long size, String task,
            EventSink events) throws JcapException, LibvirtException, InterruptedException {
        long start = System.nanoTime();
        Stream stream = connect.streamNew(0);
        boolean finished = false;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            volume.upload(stream, 0, size, 0);
            // A direct buffer: the file's bytes go from the kernel to native memory that libvirt
            // reads, with no copy through a Java array (about 1.6x the rate of a heap array here).
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            long done = 0;
            events.progress(task, 0, size);
            for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("upload of " + file + " interrupted");
                }
                chunk.flip();
                stream.write(chunk); // sends all that remains, or throws
                done += n;
                chunk.clear();
                events.progress(task, done, size);
            }
            if (done != size) {
                throw new JcapException(file + " changed while it was uploaded: " + done + " bytes read, " + size
                        + " expected");
            }
            stream.finish();
            finished = true;
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (IOException e) {
            throw new JcapException("cannot send " + file + " to libvirt: " + e.getMessage(), e);
        } finally {
            if (!finished) {
                abortQuietly(stream);
            }
            stream.free();
        }
    }

    private static void abortQuietly(Stream stream) {
        try {
            stream.abort();
        } catch (LibvirtException e) {
            // The stream is freed next; the volume it wrote into is deleted by the caller.
        }
    }

    private static void deleteQuietly(StorageVol volume) {
        try {
            volume.delete(0);
        } catch (LibvirtException e) {
            // The upload's own failure is the one to report.
        }
    }
}
