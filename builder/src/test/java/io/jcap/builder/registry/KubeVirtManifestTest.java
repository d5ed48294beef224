package io.jcap.builder.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jcap.builder.repository.ImageMetadata;
import io.jcap.model.PortMapping;
import io.jcap.model.Sha256;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeVirtManifestTest {
    private static final String DIGEST = "54c2".repeat(16);

    @Test
    void yaml_pinsTheDigestAndCarriesMemoryCpusAndPorts() throws Exception {
        ImageMetadata m = ImageMetadata.builder("Web_App").created(Instant.EPOCH).inputsDigest(new Sha256(DIGEST))
                .kernel("linux", null).disk(1, 1, new Sha256(DIGEST))
                .runDefaults(256, 2, List.of(PortMapping.parse("8080:80"), PortMapping.parse("53/udp"))).build();
        ImageReference pushed = ImageReference.parse("ghcr.io/acme/web:1@sha256:" + DIGEST);

        assertEquals("""
                apiVersion: kubevirt.io/v1
                kind: VirtualMachine
                metadata:
                  name: web-app
                  labels:
                    app.kubernetes.io/managed-by: jcap
                  annotations:
                    io.jcap.image: ghcr.io/acme/web:1@sha256:%1$s
                spec:
                  runStrategy: Always
                  template:
                    metadata:
                      labels:
                        kubevirt.io/domain: web-app
                    spec:
                      domain:
                        cpu:
                          cores: 2
                        memory:
                          guest: 256Mi
                        devices:
                          disks:
                          - name: containerdisk
                            disk:
                              bus: virtio
                          interfaces:
                          - name: default
                            masquerade: {}
                            ports:
                            - port: 80
                              protocol: TCP
                            - port: 53
                              protocol: UDP
                          rng: {}
                      networks:
                      - name: default
                        pod: {}
                      volumes:
                      - name: containerdisk
                        containerDisk:
                          image: ghcr.io/acme/web:1@sha256:%1$s
                """.formatted(DIGEST), KubeVirtManifest.yaml(pushed, m));
    }

    @Test
    void resourceName_isAKubernetesName() {
        assertEquals("hello-java", KubeVirtManifest.resourceName("hello.java"));
        assertEquals("jcap-image", KubeVirtManifest.resourceName("___"));
        assertEquals(63, KubeVirtManifest.resourceName("a".repeat(80)).length());
    }
}
