package io.jcap.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheRetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void expired_beyondTheLastUsed_onlyThoseUnusedSinceTheBound() {
        Map<Path, FileTime> used = Map.of(
                Path.of("a"), days(1), Path.of("b"), days(3), Path.of("c"), days(9), Path.of("d"), days(2),
                Path.of("e"), days(20));
        List<Path> others = List.of(Path.of("a"), Path.of("b"), Path.of("c"), Path.of("d"), Path.of("e"));

        // Keep 3 with the caller's own: a and d (the last used) stay; of b, c and e, those older than a week go.
        assertEquals(List.of(Path.of("c"), Path.of("e")),
                CacheRetention.expired(others, used::get, 3, NOW.minus(Duration.ofDays(7))));
        assertEquals(List.of(), CacheRetention.expired(others, used::get, 6, NOW.minus(Duration.ofDays(7))));
        assertEquals(List.of(Path.of("d"), Path.of("b"), Path.of("c"), Path.of("e")),
                CacheRetention.expired(others, used::get, 2, NOW.minus(Duration.ofDays(1))), "the last used first");
    }

    private static FileTime days(int ago) {
        return FileTime.from(NOW.minus(Duration.ofDays(ago)));
    }
}
