package io.jcap.builder.registry;

import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How jcap trusts a registry's TLS certificate: the JDK's trust store plus every {@code *.crt} in
 * {@code certDir}, as skopeo's {@code --cert-dir} (a folder such as
 * {@code /etc/containers/certs.d/HOST:PORT} with a {@code ca.crt}); {@code insecure} also allows plain
 * HTTP to a registry that is not on this machine, as Docker's {@code insecure-registries}.
 *
 * @param certDir a folder of extra CA certificates (PEM), if any
 * @param insecure whether plain HTTP may be used for any registry
 */
public record RegistryTls(Optional<Path> certDir, boolean insecure) {
    /** The JDK's trust store alone, HTTPS only except for registries on this machine. */
    public static final RegistryTls DEFAULT = new RegistryTls(Optional.empty(), false);

    /** The SSL context to connect with: the JDK's own when there is no cert dir. */
    SSLContext context() throws JcapException {
        if (certDir.isEmpty()) {
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new JcapException("the JDK has no TLS: " + e.getMessage(), e);
            }
        }
        Path dir = certDir.get();
        if (!Files.isDirectory(dir)) {
            throw JcapException.usage("--cert-dir " + dir + " is not a folder: give the folder that holds the registry's"
                    + " CA certificate as ca.crt (as skopeo's --cert-dir)");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + n++, c);
                    }
                }
            }
            int added = 0;
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
                for (Path file : files) {
                    try (InputStream in = Files.newInputStream(file)) {
                        for (Certificate c : factory.generateCertificates(in)) {
                            store.setCertificateEntry("cert-dir-" + added++, c);
                        }
                    }
                }
            }
            if (added == 0) {
                throw new JcapException("--cert-dir " + dir + " holds no *.crt certificate: put the registry's CA there as ca.crt");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new JcapException("cannot read the certificates in --cert-dir " + dir + ": " + e.getMessage(), e);
        }
    }
}
