package io.jcap.builder.family.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.builder.api.RunRequest;
import io.jcap.model.VolumeMount;
import io.jcap.streamer.ExitLine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunSettingsTest {
    @Test
    void of_noEnvNoCmd_isEmpty() {
        assertEquals(Optional.empty(), RunSettings.of(RunRequest.of("hello"), ExitLine.UNTAGGED));
    }

    @Test
    void of_cmdAndEnv_givesArgLinesThenSortedEnvLines() {
        RunRequest request = RunRequest.of("exit-code").withCmd(Optional.of("/app/exit-code 'seven and' 7"))
                .withEnv(Map.of("ZED", "last", "GREETING", "hi there=yes"));

        String text = new String(RunSettings.of(request, ExitLine.UNTAGGED).orElseThrow(), StandardCharsets.UTF_8);

        assertEquals("# jcap run: settings for this run only\n"
                + "arg /app/exit-code\narg seven and\narg 7\n"
                + "env GREETING=hi there=yes\nenv ZED=last\n", text);
    }

    /** A run of an image whose init takes a tag always has settings: the tag, last. */
    @Test
    void of_taggedRun_givesTheTagAlone_orAfterTheOtherSettings() {
        ExitLine end = new ExitLine(Optional.of("0123456789abcdef"));
        RunRequest request = RunRequest.of("hello").withEnv(Map.of("A", "1"));

        assertEquals("# jcap run: settings for this run only\nexit_tag 0123456789abcdef\n",
                new String(RunSettings.of(RunRequest.of("hello"), end).orElseThrow(), StandardCharsets.UTF_8));
        assertEquals("# jcap run: settings for this run only\nenv A=1\nexit_tag 0123456789abcdef\n",
                new String(RunSettings.of(request, end).orElseThrow(), StandardCharsets.UTF_8));
    }

    /** jcap run -i: the init reads the console without echo. */
    @Test
    void of_interactiveRun_saysSoBeforeTheTag() {
        ExitLine end = new ExitLine(Optional.of("0123456789abcdef"));

        assertEquals("# jcap run: settings for this run only\ninteractive 1\nexit_tag 0123456789abcdef\n",
                new String(RunSettings.of(RunRequest.of("hello").withInteractive(true), end).orElseThrow(),
                        StandardCharsets.UTF_8));
        assertEquals("# jcap run: settings for this run only\ninteractive 1\n",
                new String(RunSettings.of(RunRequest.of("hello").withInteractive(true), ExitLine.UNTAGGED).orElseThrow(),
                        StandardCharsets.UTF_8));
    }

    /** jcap run --volume: one line per volume, its disk's serial, mode and folder, in the order given. */
    @Test
    void of_volumes_givesADiskVolumeLineEach() {
        RunRequest request = RunRequest.of("hello").withVolumes(List.of(VolumeMount.parse("data:/var/lib/app"),
                VolumeMount.parse("/srv/seed.img:/seed dir:ro")));

        assertEquals("# jcap run: settings for this run only\n"
                + "disk_volume jcap-vol-0 rw /var/lib/app\ndisk_volume jcap-vol-1 ro /seed dir\n",
                new String(RunSettings.of(request, ExitLine.UNTAGGED).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void request_twoVolumesOnOneFolder_areRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunRequest.of("x")
                .withVolumes(List.of(VolumeMount.parse("a:/data"), VolumeMount.parse("./b.img:/data:ro"))));

        assertEquals("two volumes on /data: a:/data and ./b.img:/data:ro; give each folder one", e.getMessage());
    }

    @Test
    void request_envValueWithNewline_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunRequest.of("x").withEnv(Map.of("A", "1\n2")));

        assertEquals("environment variable A may not contain a newline or NUL character (its value is not shown)",
                e.getMessage());
    }

    @Test
    void request_emptyCmd_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunRequest.of("x").withCmd(Optional.of("  ")));

        assertEquals("the command line is empty: say what to run (--cmd \"/app/hello\")", e.getMessage());
    }
}
