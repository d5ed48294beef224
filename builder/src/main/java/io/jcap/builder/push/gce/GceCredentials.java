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
        } catch (java.nio.file.NoSuchFileException e) {
            throw new JcapException("no Google credentials: the credentials file " + file + " that"
                    + " GOOGLE_APPLICATION_CREDENTIALS names does not exist (give a service account key file, or unset"
                    + " it to use gcloud auth application-default login's)", e);
        } catch (IOException e) {
            boolean named = file != null && !file.isBlank();
            String advice = named ? " (check the file, or unset GOOGLE_APPLICATION_CREDENTIALS to use gcloud auth"
                    + " application-default login's)" : " (run gcloud auth application-default login, or set"
                    + " GOOGLE_APPLICATION_CREDENTIALS)";
            if (unreachable(e)) {
                throw new io.jcap.model.EnvironmentException("no Google credentials from " + source(env) + ": cannot"
                        + " reach its token service: " + firstLine(io.jcap.model.FailureReason.of(e)), e);
            }
            // The JSON parser's own words ("Use JsonReader.setStrictness...") say nothing to a user.
            String reason = malformedJson(e) ? "it is not JSON (a service account key, or gcloud's application default"
                    + " credentials, is a JSON file)" : firstLine(e.getMessage());
            throw new JcapException("no Google credentials from " + source(env) + ": " + reason + advice, e);
        }
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketTimeoutException || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static boolean malformedJson(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("com.google.gson.") || String.valueOf(t.getMessage()).contains("JsonReader")) {
                return true;
            }
        }
        return false;
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
