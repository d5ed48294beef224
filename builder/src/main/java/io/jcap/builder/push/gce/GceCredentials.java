package io.jcap.builder.push.gce;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.jcap.builder.push.Secret;
import io.jcap.model.JcapException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An access token from Application Default Credentials, as Google's own clients find them: the key
 * or configuration file {@code GOOGLE_APPLICATION_CREDENTIALS} names, else gcloud's
 * {@code application_default_credentials.json}, else the metadata server of a GCE machine.
 */
final class GceCredentials {
    private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    private GceCredentials() {
    }

    /** Where the credentials come from, for the dry run. */
    static String source(Map<String, String> env) {
        String file = env.get("GOOGLE_APPLICATION_CREDENTIALS");
        return file != null && !file.isBlank() ? "the credentials file " + file + " (GOOGLE_APPLICATION_CREDENTIALS)"
                : "Application Default Credentials (gcloud auth application-default login, or the metadata server)";
    }

    /** A fresh access token for the cloud-platform scope. */
    static Secret token(Map<String, String> env) throws JcapException {
        String file = env.get("GOOGLE_APPLICATION_CREDENTIALS");
        try {
            GoogleCredentials credentials;
            if (file != null && !file.isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    credentials = GoogleCredentials.fromStream(in);
                }
            } else {
                credentials = GoogleCredentials.getApplicationDefault();
            }
            credentials = credentials.createScoped(SCOPES);
            credentials.refreshIfExpired();
            AccessToken token = credentials.getAccessToken();
            if (token == null) {
                throw new JcapException("no access token from " + source(env));
            }
            return new Secret(token.getTokenValue());
        } catch (IOException e) {
            throw new JcapException("no Google credentials from " + source(env) + ": " + firstLine(e.getMessage())
                    + " (run gcloud auth application-default login, or set GOOGLE_APPLICATION_CREDENTIALS)", e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
