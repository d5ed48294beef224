package io.jcap.formats.oci;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jcap.model.EventSink;
import io.jcap.model.ImageEntry;
import io.jcap.model.JcapException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any bytes as a container layer (a registry's, so anyone's): {@link LayerStack#apply} takes it
 * or throws a {@link JcapException}, never another exception, and writes nothing but regular
 * files directly in its content folder. A plain {@code mvn test} runs the seeds in
 * {@code LayerStackFuzzTestInputs/} (small layers in ustar, GNU and pax formats, with long,
 * sparse, linked, whited-out and non-UTF-8 entries); {@code JAZZER_FUZZ=1} fuzzes, as
 * {@code scripts/fuzz.sh} does.
 */
class LayerStackFuzzTest {
    @TempDir
    Path temp;

    @FuzzTest(maxDuration = "60s")
    void apply_anyBytes_takesTheLayerOrThrowsJcapException(byte[] bytes) throws IOException {
        Path content = Files.createTempDirectory(temp, "content");
        LayerStack stack = new LayerStack(content, EventSink.NONE);
        try {
            stack.apply(new ByteArrayInputStream(bytes), "layer 1");
            for (ImageEntry e : stack.entries()) {
                assertTrue(e.path().value().startsWith("/"), e.path().value());
            }
        } catch (JcapException e) {
            assertTrue(e.getMessage().startsWith("layer 1 "), e.getMessage());
        }
        try (var files = Files.walk(content)) {
            List<Path> inside = files.filter(p -> !p.equals(content)).toList();
            for (Path p : inside) {
                assertTrue(p.getParent().equals(content) && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                        "only the layer's file contents, each a file of the content folder: " + p);
            }
        }
    }
}
