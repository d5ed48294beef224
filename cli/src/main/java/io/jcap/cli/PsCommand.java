package io.jcap.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jcap.builder.Instances;
import io.jcap.builder.api.JcapHome;
import io.jcap.builder.instance.Instance;
import io.jcap.cli.options.ListOutput;
import io.jcap.model.JcapException;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ps", description = {"List the detached instances, running and ended.",
        "STATUS is running, exited (N) with the application's exit status, exited (stopped) when jcap stop"
                + " ended QEMU itself, exited (error) when the guest init failed, or exited (killed)."})
final class PsCommand implements Callable<Integer> {
    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    ListOutput output;

    /** Docker's {@code ps -a}, which a user's fingers type: jcap's list holds the ended instances anyway. */
    @Option(names = {"-a", "--all"}, description = "The same list (jcap ps always shows ended instances too);"
            + " accepted as docker ps -a is")
    boolean all;

    @Override
    public Integer call() throws JcapException {
        output.check(spec.commandLine());
        ConsoleEvents events = new ConsoleEvents(spec.commandLine().getErr(), false);
        List<Instance> instances = new Instances(JcapHome.fromEnvironment(), events).list();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(toJson(instances));
            return 0;
        }
        if (output.quiet()) {
            instances.forEach(i -> out.println(i.name()));
            return 0;
        }
        TextTable table = new TextTable("NAME", "IMAGE", "STATUS", "PORTS", "CREATED (UTC)");
        for (Instance i : instances) {
            // An ended instance's ports are free for others, as docker ps shows them (--json keeps them).
            table.add(i.name(), i.image(), i.status().toString(), i.ports().isEmpty() || !i.status().running() ? "-"
                    : String.join(",", i.portDescriptions()), CREATED.format(i.created()));
        }
        table.print(out);
        return 0;
    }

    private static String toJson(List<Instance> instances) throws JcapException {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (Instance i : instances) {
            ObjectNode node = array.addObject();
            node.put("name", i.name());
            node.put("image", i.image());
            node.put("status", i.status().toString());
            node.put("running", i.status().running());
            if (i.status().exitStatus().isPresent()) {
                node.put("exitStatus", i.status().exitStatus().getAsInt());
            } else {
                node.putNull("exitStatus");
            }
            ArrayNode ports = node.putArray("ports");
            i.ports().forEach(p -> ports.addObject().put("address", p.hostAddress()).put("host", p.hostPort())
                    .put("guest", p.guestPort()).put("protocol", p.protocol().lowerCase()));
            node.put("created", i.created().toString());
            if (i.process().isPresent()) {
                node.put("pid", i.process().get().pid());
            } else {
                // A domain on a remote host: its QEMU is a process of that host.
                node.putNull("pid");
            }
            node.put("memoryMiB", i.memoryMiB());
            node.put("cpus", i.cpus());
            node.put("accelerator", i.accelerator());
            node.put("consoleLog", i.files().consoleLog().toString());
            if (i.domain().isPresent()) {
                ObjectNode libvirt = node.putObject("libvirt").put("uri", i.domain().get().uri().toString())
                        .put("domain", i.domain().get().name());
                i.remoteHost().ifPresent(h -> libvirt.put("host", h));
            }
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new JcapException("could not render instances as JSON: " + e.getMessage(), e);
        }
    }
}
