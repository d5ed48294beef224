package io.jcap.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PluginWordsTest {
    @Test
    void rewrite_namesTheGoalsSettings() {
        PluginWords build = PluginWords.of("-Djcap.image");
        assertEquals("image 'app' is being built or pulled by another jcap (pid 12): wait for it to end, or use another"
                        + " name (-Djcap.image)",
                build.rewrite("image 'app' is being built or pulled by another jcap (pid 12): wait for it to end, or use"
                        + " another name (--name)"));
        assertEquals("its boot files are missing: build the image again with mvn jcap:build -Djcap.force=true",
                build.rewrite("its boot files are missing: build the image again with jcap build --force"));
        assertEquals("push with -Djcap.replace=true to replace it, or pick another -Djcap.remoteName",
                PluginWords.of("-Djcap.remoteName").rewrite("push with --replace to replace it, or pick another --name"));
    }

    @Test
    void rewrite_leavesLongerWordsAndOtherTextAlone() {
        PluginWords run = PluginWords.of("-Djcap.name");
        assertEquals("--name-prefix and --names stay; x--name stays; -Djcap.name goes in",
                run.rewrite("--name-prefix and --names stay; x--name stays; --name goes in"));
        assertEquals("a $1 \\ message", run.rewrite("a $1 \\ message"));
        assertEquals(null, run.rewrite(null));
    }
}
