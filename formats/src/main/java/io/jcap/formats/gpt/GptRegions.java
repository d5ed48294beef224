package io.jcap.formats.gpt;

/**
 * The two stretches of a disk a GUID partition table occupies: {@code head} from byte 0
 * (protective MBR, primary header and entries: 34 sectors) and {@code tail} from byte
 * {@code tailOffset} to the disk's end (backup entries and header: 33 sectors).
 *
 * <pre>{@code
 * GptRegions regions = disk.regions(gptmbr);
 * channel.write(ByteBuffer.wrap(regions.head()), 0);
 * channel.write(ByteBuffer.wrap(regions.tail()), regions.tailOffset());
 * }</pre>
 */
public record GptRegions(byte[] head, long tailOffset, byte[] tail) {
    public GptRegions {
        head = head.clone();
        tail = tail.clone();
    }

    @Override
    public byte[] head() {
        return head.clone();
    }

    @Override
    public byte[] tail() {
        return tail.clone();
    }
}
