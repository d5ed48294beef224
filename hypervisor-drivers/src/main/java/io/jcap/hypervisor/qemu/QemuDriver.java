package io.jcap.hypervisor.qemu;

import io.jcap.hypervisor.AcceleratorVerdict;
import io.jcap.hypervisor.Driver;
import io.jcap.hypervisor.DriverProvider;
import io.jcap.hypervisor.DriverSettings;
import io.jcap.hypervisor.VmSpec;
import io.jcap.model.EnvironmentException;
import io.jcap.model.EventSink;
import io.jcap.model.JcapException;
import java.nio.file.Path;

/**
 * The {@code qemu} driver: QEMU processes started on this machine ({@link QemuVm}); they may be
 * detached ({@link DetachedQemu}). The accelerator verdict comes from {@link AcceleratorProbe},
 * cached in the cache folder.
 */
public final class QemuDriver implements Driver {
    public static final String NAME = "qemu";
    /** The accelerator verdict's file in the cache folder. */
    public static final String ACCELERATOR_CACHE = "accelerator.json";

    private final Path cacheDir;
    private QemuInstallation qemu;

    /** Finds QEMU when first needed, with its version cached in {@code cacheDir}. */
    public QemuDriver(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** Uses QEMU as already found. */
    public QemuDriver(QemuInstallation qemu, Path cacheDir) {
        this.cacheDir = cacheDir;
        this.qemu = qemu;
    }

    /** Makes the driver known to {@link io.jcap.hypervisor.Drivers}. */
    public static final class Provider implements DriverProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Driver create(DriverSettings settings) {
            return new QemuDriver(settings.cacheDir());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void requireAvailable() throws EnvironmentException {
        installation();
    }

    @Override
    public AcceleratorVerdict chooseAccelerator(EventSink events) throws JcapException {
        return new AcceleratorProbe(installation(), cacheDir.resolve(ACCELERATOR_CACHE)).decide();
    }

    @Override
    public QemuVm create(VmSpec spec) throws EnvironmentException {
        return new QemuVm(installation(), spec);
    }

    @Override
    public boolean canDetach() {
        return true;
    }

    @Override
    public boolean bootsKernels() {
        return true;
    }

    @Override
    public boolean copiesDisks() {
        return false;
    }

    @Override
    public boolean usesLocalFiles() {
        return true;
    }

    /** QEMU on this machine, found once. */
    public synchronized QemuInstallation installation() throws EnvironmentException {
        if (qemu == null) {
            qemu = QemuInstallation.detect(cacheDir);
        }
        return qemu;
    }
}
