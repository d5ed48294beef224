package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserHomeTest {
    @Test
    void of_homeVariable_winsOverTheUserDatabase_unlessItIsNotAnAbsolutePath() {
        assertEquals(Path.of("/tmp/elsewhere"), UserHome.of(Map.of("HOME", "/tmp/elsewhere")));
        assertEquals(Path.of(System.getProperty("user.home")), UserHome.of(Map.of("HOME", "relative")));
        assertEquals(Path.of(System.getProperty("user.home")), UserHome.of(Map.of()));
    }
}
