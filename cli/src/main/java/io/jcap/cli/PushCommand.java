package io.jcap.cli;

import io.jcap.model.JcapException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "push", description = "Upload an image to a cloud account (OpenStack, a remote KVM host, AWS, GCE).")
final class PushCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name.")
    String image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TARGET", description = "Where to upload it.")
    String target;

    @Override
    public Integer call() throws JcapException {
        throw NotBuiltYet.capability("jcap push (uploading images to a cloud)");
    }
}
