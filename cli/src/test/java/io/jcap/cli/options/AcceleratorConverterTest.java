package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.hypervisor.Accelerator;
import org.junit.jupiter.api.Test;

class AcceleratorConverterTest {
    private final AcceleratorConverter converter = new AcceleratorConverter();

    @Test
    void convert_kvmAndTcg_areThoseAccelerators() {
        assertEquals(Accelerator.KVM, converter.convert("kvm"));
        assertEquals(Accelerator.TCG, converter.convert("tcg"));
    }

    @Test
    void convert_auto_isNoChoice() {
        assertNull(converter.convert("auto"));
    }

    @Test
    void convert_otherNames_areRefusedWithTheChoices() {
        assertEquals("'xyz' is not an accelerator: use auto, kvm or tcg",
                assertThrows(OptionValueException.class, () -> converter.convert("xyz")).getMessage());
        assertEquals("'KVM' is not an accelerator: use auto, kvm or tcg",
                assertThrows(OptionValueException.class, () -> converter.convert("KVM")).getMessage());
    }
}
