package io.jcap.builder.push.aws;

import io.jcap.builder.push.ParallelPieces;
import io.jcap.formats.qcow2.Extent;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Writes a disk into a started EBS snapshot: each 512 KiB block that holds data in the qcow2 is
 * read, and sent with its SHA-256 unless it reads as zeros (an EBS snapshot's unwritten blocks
 * are zeros), several at once. It returns the blocks written and the SHA-256 of their checksums
 * in the order of their indexes, which {@code CompleteSnapshot} checks ({@code LINEAR}).
 */
final class SnapshotUpload {
    private final EbsDirect ebs;
    private final Qcow2Image disk;
    private final int parallel;

    SnapshotUpload(EbsDirect ebs, Qcow2Image disk, int parallel) {
        this.ebs = ebs;
        this.disk = disk;
        this.parallel = parallel;
    }

    /** What was written: blocks, bytes and the linear checksum. */
    record Written(int blocks, long bytes, byte[] linear) {
    }

    /** The indexes of the blocks that hold any of the disk's data extents, in order. */
    static List<Long> blocksWithData(Qcow2Image disk) {
        TreeSet<Long> blocks = new TreeSet<>();
        for (Extent e : disk.dataExtents()) {
            for (long b = e.offset() / EbsDirect.BLOCK; b <= (e.end() - 1) / EbsDirect.BLOCK; b++) {
                blocks.add(b);
            }
        }
        return List.copyOf(blocks);
    }

    Written run(String snapshot, EventSink events, String task) throws JcapException, InterruptedException {
        List<Extent> blocks = blocksWithData(disk).stream()
                .map(index -> new Extent(index * EbsDirect.BLOCK, EbsDirect.BLOCK)).toList();
        ConcurrentSkipListMap<Long, byte[]> sums = new ConcurrentSkipListMap<>();
        ParallelPieces.send(blocks, parallel, EbsDirect.BLOCK, (block, buffer) -> {
            if (disk.readPadded(block, buffer)) {
                byte[] sha = sha256(buffer);
                long index = block.offset() / EbsDirect.BLOCK;
                ebs.put(snapshot, index, buffer, sha);
                sums.put(index, sha);
            }
        }, events, task);
        MessageDigest linear = digest();
        sums.values().forEach(linear::update);
        return new Written(sums.size(), (long) sums.size() * EbsDirect.BLOCK, linear.digest());
    }

    static byte[] sha256(byte[] data) {
        return digest().digest(data);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
