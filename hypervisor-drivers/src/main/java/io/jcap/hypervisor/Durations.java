package io.jcap.hypervisor;

import java.time.Duration;

/** Durations as people read them in messages: "500 ms", "3 s", "2 min". */
public final class Durations {
    private Durations() {
    }

    public static String human(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000 || millis % 1000 != 0) {
            return millis < 10_000 ? millis + " ms" : (millis / 1000) + " s";
        }
        long seconds = millis / 1000;
        return seconds >= 120 && seconds % 60 == 0 ? (seconds / 60) + " min" : seconds + " s";
    }
}
