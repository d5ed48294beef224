package io.jcap.kernels.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guest init ships in the jar as a static x86-64 executable (it is PID 1 of an initramfs). */
class JcapInitResourceTest {

    private static final String RESOURCE = "/io/jcap/kernels/init/jcap-init";
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;

    private static ByteBuffer elf() throws IOException {
        try (InputStream in = JcapInitResourceTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, "resource " + RESOURCE + " is missing: the kernels build compiles it with musl-gcc");
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static List<Integer> programHeaderTypes(ByteBuffer elf) {
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
        int phnum = Short.toUnsignedInt(elf.getShort(0x38));
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            types.add(elf.getInt(Math.toIntExact(phoff + (long) i * phentsize)));
        }
        return types;
    }

    @Test
    void resource_isA64BitLittleEndianX8664Executable() throws IOException {
        ByteBuffer elf = elf();
        byte[] ident = Arrays.copyOf(elf.array(), 6);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}, ident);
        assertEquals(2, elf.getShort(0x10), "e_type ET_EXEC");
        assertEquals(62, elf.getShort(0x12), "e_machine EM_X86_64");
    }

    @Test
    void resource_hasNoInterpreterAndNoDynamicSection() throws IOException {
        List<Integer> types = programHeaderTypes(elf());
        assertTrue(types.contains(1), "has a PT_LOAD segment: " + types);
        assertTrue(!types.contains(PT_INTERP), "PT_INTERP found: the init must be static");
        assertTrue(!types.contains(PT_DYNAMIC), "PT_DYNAMIC found: the init must be static");
    }
}
