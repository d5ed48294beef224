package io.jcap.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcap.hypervisor.libvirt.LibvirtUri;
import org.junit.jupiter.api.Test;

class LibvirtUriConverterTest {
    private final LibvirtUriConverter converter = new LibvirtUriConverter();

    private String refusal(String text) {
        return assertThrows(OptionValueException.class, () -> converter.convert(text)).getMessage();
    }

    @Test
    void convert_systemUri_isTheSystemDaemon() {
        assertEquals(LibvirtUri.SYSTEM, converter.convert("qemu:///system"));
    }

    @Test
    void convert_sshUri_keepsItsUserHostAndKey() {
        String text = "qemu+ssh://jcap@kvm1/system?keyfile=/home/jcap/.ssh/id_ed25519";
        assertEquals(LibvirtUri.parse(text), converter.convert(text));
    }

    @Test
    void convert_password_orNoUri_isRefused() {
        assertEquals("a libvirt URI must not carry a password: use an SSH key (keyfile=...)",
                refusal("qemu+ssh://jcap:secret@kvm1/system"));
        assertEquals("a libvirt URI looks like qemu:///system or qemu+ssh://user@host/system, got kvm1", refusal("kvm1"));
    }
}
