package io.jcap.capstanfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jcap.capstanfile.yaml.LocatedYaml;
import io.jcap.model.ByteSize;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every size key (size, memory, runtime.java.xms and xmx) takes the same spellings and refuses the rest alike. */
class CapstanfileSizesTest {
    private static final String NOT_A_SIZE = "is not a size: use a whole number and a unit K, M, G or T"
            + " (1K = 1024 bytes), in either case, with an optional B or iB (128m, 512MiB, 1 G, 2gb)";

    @TempDir
    Path temp;
    ProjectDir project;

    @BeforeEach
    void setUp() {
        project = new ProjectDir(temp);
    }

    private static String withSizes(String size, String memory, String xms, String xmx) {
        return "cmdline: /opt/java/bin/java -jar /app/app.jar\n"
                + "size: " + size + "\n"
                + "memory: " + memory + "\n"
                + "runtime:\n"
                + "  java:\n"
                + "    jar: /app/app.jar\n"
                + "    xms: " + xms + "\n"
                + "    xmx: " + xmx + "\n";
    }

    @ParameterizedTest(name = "{0} is {1} MiB in every size key")
    @CsvSource(delimiter = '|', value = {
        "128m    | 128",
        "128M    | 128",
        "128 M   | 128",
        "512mb   | 512",
        "512MB   | 512",
        "512MiB  | 512",
        "512 MiB | 512",
        "1GiB    | 1024",
        "1 G     | 1024",
        "2gb     | 2048",
        "65536k  | 64",
        "65536KiB | 64",
    })
    void parse_usersSpellings_inEverySizeKey(String text, long mebibytes) throws Exception {
        project.capstanfile(withSizes(text, text, text, text));

        Capstanfile c = project.parse();

        ByteSize expected = ByteSize.ofMebibytes(mebibytes);
        assertEquals(Optional.of(expected), c.size());
        assertEquals(Optional.of(expected), c.memory());
        Runtime.Java java = (Runtime.Java) c.runtime().orElseThrow();
        assertEquals(Optional.of(expected), java.xms());
        assertEquals(Optional.of(expected), java.xmx());
    }

    @Test
    void parse_quotedSizes_areReadAlike() throws Exception {
        project.capstanfile(withSizes("\"1 T\"", "'256 mib'", "\"64m\"", "'1g'"));

        Capstanfile c = project.parse();

        assertEquals(Optional.of(ByteSize.parse("1024G")), c.size());
        assertEquals(Optional.of(ByteSize.ofMebibytes(256)), c.memory());
    }

    @Test
    void parse_badSizeInEveryKey_namesLineKeyAndValue() throws Exception {
        project.capstanfile(withSizes("12x", "12x", "12x", "12x"));

        assertEquals("Capstanfile:2:7: size: '12x' " + NOT_A_SIZE + "\n"
                + "Capstanfile:3:9: memory: '12x' " + NOT_A_SIZE + "\n"
                + "Capstanfile:7:10: runtime.java.xms: '12x' " + NOT_A_SIZE + "\n"
                + "Capstanfile:8:10: runtime.java.xmx: '12x' " + NOT_A_SIZE, project.problems());
    }

    @Test
    void parse_xmsAboveXmx_isRefusedAtXms() throws Exception {
        project.capstanfile(withSizes("1G", "256M", "128M", "64M"));
        assertEquals("Capstanfile:7:10: runtime.java.xms: 128M is more than xmx 64M: the JVM refuses to start with an"
                + " initial heap larger than its maximum; make xms at most xmx", project.problems());

        project.capstanfile(withSizes("1G", "256M", "64M", "65536K"));
        assertEquals(Optional.of(ByteSize.ofMebibytes(64)), ((Runtime.Java) project.parse().runtime().orElseThrow()).xms());
    }

    @Test
    void parse_numbersWithoutUnit_areRefusedAsSizes() throws Exception {
        project.capstanfile(withSizes("1073741824", "512", "64", "1.5"));

        assertEquals("Capstanfile:2:7: size: 1073741824 " + NOT_A_SIZE + "\n"
                + "Capstanfile:3:9: memory: 512 " + NOT_A_SIZE + "\n"
                + "Capstanfile:7:10: runtime.java.xms: 64 " + NOT_A_SIZE + "\n"
                + "Capstanfile:8:10: runtime.java.xmx: 1.5 " + NOT_A_SIZE, project.problems());
    }

    @Test
    void parse_memoryOutsideItsRules_saysWhichRule() throws Exception {
        project.capstanfile("cmdline: /hello\nmemory: 1500K\n");
        assertEquals("Capstanfile:2:9: memory: '1500K' is not a whole number of MiB (use M or G: 256M, 1G)",
                project.problems());

        project.capstanfile("cmdline: /hello\nmemory: 16m\n");
        assertEquals("Capstanfile:2:9: memory: '16m' is too little memory: give at least 32M", project.problems());

        project.capstanfile("cmdline: /hello\nmemory: 2048 TiB\n");
        assertEquals("Capstanfile:2:9: memory: '2048 TiB' is too much memory", project.problems());
    }

    @Test
    void schema_byteSize_isTheParsersSyntaxAndWords() throws Exception {
        JsonNode byteSize;
        try (InputStream in = CapstanfileParser.openSchema()) {
            byteSize = new ObjectMapper().readTree(in).path("$defs").path("byteSize");
        }

        assertEquals("^" + ByteSize.SYNTAX + "$", byteSize.path("pattern").textValue());
        assertEquals(ByteSize.EXPECTED, byteSize.path("x-expected").textValue());
    }

    /** The schema's regular-expression engine and Java's agree on accepting or refusing each text. */
    @ParameterizedTest(name = "schema and parser agree on ''{0}''")
    @ValueSource(strings = {"128m", "128 M", "512mb", "512MiB", "512mIb", "1GiB", "1 G", "2gb", "1t", "4KB",
        "12x", "512", "0M", "012M", "1.5G", "1  G", "1GBB", "1iB", "1Gi", "1P", "M", "1G ", " 1G", "1\tG", "1\nG"})
    void schemaAndParser_agreeOnEachText(String text) throws Exception {
        String yamlText = "cmdline: /hello\nsize: " + new ObjectMapper().writeValueAsString(text) + "\n";
        boolean schemaAccepts = SchemaCheck.instance().check(LocatedYaml.read(yamlText, "a Capstanfile")).isEmpty();
        boolean parserAccepts;
        try {
            ByteSize.parse(text);
            parserAccepts = true;
        } catch (IllegalArgumentException e) {
            parserAccepts = false;
        }

        assertEquals(parserAccepts, schemaAccepts);
    }
}
