import io.jcap.formats.qcow2.Extent;
import io.jcap.formats.qcow2.Qcow2Image;
import io.jcap.formats.vhd.FixedVhd;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bench/push-clouds.sh: the preparation of a push alone, in jcap's own classes and JVM flags:
 * "read" reads every data chunk of the qcow2 (what a push sends, less the network); "vhd" writes
 * the fixed VHD a push to Azure sends as a local sparse file. Prints the seconds of each, measured
 * inside the JVM (its start and this file's compilation are not counted).
 *
 *   java -cp 'cli/target/lib/*' bench/VhdPrep.java IMAGE.qcow2 OUT.vhd
 */
public class VhdPrep {
    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long started = System.nanoTime();
        long data = 0;
        try (Qcow2Image disk = Qcow2Image.open(image)) {
            FixedVhd vhd = FixedVhd.of(disk.virtualSize(), new byte[16], 0);
            byte[] buffer = new byte[4 << 20];
            for (Extent chunk : vhd.chunks(disk, buffer.length)) {
                if (disk.readPadded(chunk, buffer)) {
                    data += chunk.length();
                }
            }
        }
        double read = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        Files.deleteIfExists(out);
        try (Qcow2Image disk = Qcow2Image.open(image)) {
            FixedVhd.of(disk.virtualSize(), new byte[16], 0).write(disk, out);
        }
        double vhd = (System.nanoTime() - started) / 1e9;
        System.out.printf("read %.4f vhd %.4f data %d%n", read, vhd, data);
    }
}
