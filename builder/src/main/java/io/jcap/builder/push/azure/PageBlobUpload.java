package io.jcap.builder.push.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import io.jcap.builder.push.ParallelPieces;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.formats.vhd.FixedVhd;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a disk's data into an existing page blob of the VHD's length: every chunk of the data
 * extents (at most 4 MiB, Azure's largest page write) that holds a byte other than zero, several
 * at once, each with its Content-MD5 so that the service checks what it stored; then the VHD
 * footer as the blob's last page. Chunks that read as zeros are never sent: a page blob's
 * unwritten pages read as zeros.
 *
 * <pre>{@code
 * long sent = new PageBlobUpload(blob, disk, vhd, 4).run(events, "Uploading hello");
 * }</pre>
 */
final class PageBlobUpload {
    /** Azure's largest write of pages. */
    static final int PAGE_WRITE = 4 << 20;
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(5);

    private final PageBlobClient blob;
    private final Qcow2Image disk;
    private final FixedVhd vhd;
    private final int parallel;

    PageBlobUpload(PageBlobClient blob, Qcow2Image disk, FixedVhd vhd, int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("at least one write at a time, not " + parallel);
        }
        this.blob = blob;
        this.disk = disk;
        this.vhd = vhd;
        this.parallel = parallel;
    }

    /** What was sent: bytes of pages, and how many page writes (the footer's included). */
    record Sent(long bytes, int writes) {
    }

    /**
     * Sends the data and the footer, reporting progress over the data extents' bytes.
     *
     * @throws JcapException what the first failed write failed with (the SDK retried it first)
     */
    Sent run(EventSink events, String task) throws JcapException, InterruptedException {
        AtomicLong sent = new AtomicLong();
        AtomicInteger writes = new AtomicInteger();
        ParallelPieces.send(vhd.chunks(disk, PAGE_WRITE), parallel, PAGE_WRITE, (chunk, buffer) -> {
            if (disk.readPadded(chunk, buffer)) {
                write(chunk.offset(), buffer, (int) chunk.length());
                sent.addAndGet(chunk.length());
                writes.incrementAndGet();
            }
        }, events, task);
        byte[] footer = vhd.footer().bytes();
        write(vhd.diskSize(), footer, footer.length);
        return new Sent(sent.get() + footer.length, writes.get() + 1);
    }

    private void write(long offset, byte[] data, int length) {
        PageRange range = new PageRange().setStart(offset).setEnd(offset + length - 1);
        blob.uploadPagesWithResponse(range, new ByteArrayInputStream(data, 0, length), md5(data, length), null,
                WRITE_TIMEOUT, Context.NONE);
    }

    private static byte[] md5(byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(data, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}
