package io.jcap.builder.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InstanceStatusTest {
    @Test
    void instanceStatus_recordRoundTrip() {
        for (InstanceStatus s : new InstanceStatus[] {InstanceStatus.exited(137),
                InstanceStatus.ended(InstanceStatus.Ending.STOPPED), InstanceStatus.ended(InstanceStatus.Ending.KILLED),
                InstanceStatus.ended(InstanceStatus.Ending.ERROR)}) {
            assertEquals(s, InstanceStatus.fromRecord(s.toRecord()));
        }
    }
}
