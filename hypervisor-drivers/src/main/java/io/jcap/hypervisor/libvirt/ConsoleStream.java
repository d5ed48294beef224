package io.jcap.hypervisor.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jcap.hypervisor.VmException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.OptionalInt;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Stream;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.SizeT;
import org.libvirt.jna.StreamPointer;

/**
 * A domain's serial console as a non-blocking libvirt stream ({@code virDomainOpenConsole}, which
 * libvirt-java does not bind; bound here with JNA, which libvirt-java itself uses, on the pointers
 * libvirt-java's domain and stream hold).
 *
 * <p>Non-blocking because a blocking {@code virStreamRecv} can miss its wake-up in libvirt's
 * client (read in libvirt's sources, {@code virNetClientStreamRecvPacket} and
 * {@code virNetClientSendWithReplyStream}): with nothing queued, the receive lets go of the stream
 * and then queues a call that waits for the stream's next packet. When another thread of the
 * connection (libvirt's event loop, which jcap runs for domain events, or a thread making a call)
 * dispatches a packet between the two, the packet is queued with no call to wake, and the receive
 * waits for the packet after it: a guest's line that nothing follows stays in libvirt's queue,
 * which is how a console showed a guest's first line only once the domain was destroyed, or never.
 * A non-blocking receive only takes what that queue holds, which the event loop fills, so nothing
 * waits on a wake-up; {@link LibvirtConsole} looks again a moment later when it was empty.
 *
 * <pre>{@code
 * ConsoleStream console = ConsoleStream.open(connect, domain, name);
 * int n = console.receive(buffer);   // bytes, 0 at the end, ConsoleStream.NOTHING_YET
 * }</pre>
 */
final class ConsoleStream {
    /** What {@link #receive} and {@link #send} return when the stream has nothing to give or take now. */
    static final int NOTHING_YET = -2;

    /** The calls libvirt-java leaves out, or binds in a way a non-blocking stream cannot use. */
    private interface Calls extends Library {
        int virDomainOpenConsole(DomainPointer domain, String devName, StreamPointer stream, int flags);

        int virStreamRecv(StreamPointer stream, Pointer data, SizeT nbytes);

        int virStreamSend(StreamPointer stream, byte[] data, SizeT nbytes);

        String virGetLastErrorMessage();
    }

    private static volatile Calls calls;

    /** How much one receive takes at most. */
    private static final int CHUNK = 16384;

    /** Kept so that libvirt-java does not free the stream while it is in use. */
    private final Stream stream;
    private final StreamPointer pointer;
    /** Where libvirt copies what it received: native memory, so that an empty look copies nothing. */
    private final Memory incoming = new Memory(CHUNK);

    private ConsoleStream(Stream stream, StreamPointer pointer) {
        this.stream = stream;
        this.pointer = pointer;
    }

    /** Opens the first console of {@code domain}, named {@code domainName}, on {@code connect}. */
    static ConsoleStream open(Connect connect, Domain domain, String domainName) throws VmException {
        Stream stream = null;
        try {
            stream = connect.streamNew(Stream.VIR_STREAM_NONBLOCK);
            Calls c = calls();
            StreamPointer pointer = streamPointer(stream);
            if (c.virDomainOpenConsole(pointer(domain), null, pointer, 0) < 0) {
                throw new VmException("libvirt could not open the console of domain " + domainName + ": "
                        + c.virGetLastErrorMessage(), OptionalInt.empty(), List.of());
            }
            return new ConsoleStream(stream, pointer);
        } catch (LibvirtException e) {
            throw new VmException("libvirt could not open the console of domain " + domainName + ": "
                    + LibvirtConnections.message(e), OptionalInt.empty(), List.of(), e);
        } catch (VmException e) {
            abortQuietly(stream);
            throw e;
        } catch (RuntimeException e) {
            // This libvirt-java keeps its pointers elsewhere (see pointer): said, not a crash that
            // would skip the clean-up of the domain.
            abortQuietly(stream);
            throw new VmException("jcap cannot open the console of libvirt domain " + domainName + ": "
                    + e.getMessage(), OptionalInt.empty(), List.of(), e);
        }
    }

    /**
     * Bytes received into {@code buffer}: how many, 0 at the stream's end, {@link #NOTHING_YET}
     * when none wait; an {@link IOException} with libvirt's message when it failed.
     */
    int receive(byte[] buffer) throws IOException {
        int n = calls().virStreamRecv(pointer, incoming, new SizeT(Math.min(buffer.length, CHUNK)));
        if (n < 0 && n != NOTHING_YET) {
            throw failure();
        }
        if (n > 0) {
            incoming.read(0, buffer, 0, n);
        }
        return n;
    }

    /** How many of {@code bytes} the stream took, or {@link #NOTHING_YET} when it takes none now. */
    int send(byte[] bytes) throws IOException {
        int n = calls().virStreamSend(pointer, bytes, new SizeT(bytes.length));
        if (n < 0 && n != NOTHING_YET) {
            throw failure();
        }
        return n;
    }

    /** Ends the stream; a stream its domain's end ended already is left as it is. */
    void abort() {
        abortQuietly(stream);
    }

    /** libvirt's own words for the last call's failure, as the message (callers say which console). */
    private static IOException failure() {
        return new IOException(calls().virGetLastErrorMessage());
    }

    private static void abortQuietly(Stream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.abort();
        } catch (LibvirtException e) {
            // ended with its domain already
        }
    }

    private static Calls calls() {
        Calls c = calls;
        if (c == null) {
            c = Native.load("virt", Calls.class);
            calls = c;
        }
        return c;
    }

    private static DomainPointer pointer(Domain domain) {
        try {
            Field f = Domain.class.getDeclaredField("vdp");
            f.setAccessible(true);
            return (DomainPointer) f.get(domain);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this libvirt-java has no domain pointer where jcap reads it", e);
        }
    }

    private static StreamPointer streamPointer(Stream stream) {
        try {
            Method m = Stream.class.getDeclaredMethod("getVsp");
            m.setAccessible(true);
            return (StreamPointer) m.invoke(stream);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this libvirt-java has no stream pointer where jcap reads it", e);
        }
    }
}
