package io.jcap.builder.push.azure;

import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.jcap.builder.push.Secret;
import io.jcap.model.JcapException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How jcap reaches a storage account, found the way Azure's own tools find it: the connection
 * string of {@code AZURE_STORAGE_CONNECTION_STRING}; else the account ({@code --storage-account}
 * or {@code AZURE_STORAGE_ACCOUNT}) with the key of {@code AZURE_STORAGE_KEY}; else that account
 * with the Azure SDK's {@code DefaultAzureCredential} (environment, workload identity, managed
 * identity, Azure CLI, ...). The key or connection string is a {@link Secret}.
 *
 * <pre>{@code
 * StorageAccess access = StorageAccess.resolve(Optional.of("myaccount"), System.getenv(), AzureCloud.PUBLIC);
 * access.blobEndpoint();   // https://myaccount.blob.core.windows.net
 * }</pre>
 *
 * @param account the storage account's name
 * @param blobEndpoint the Blob service's URL, without a trailing slash
 * @param secret the connection string or account key; empty with {@code DefaultAzureCredential}
 * @param kind which of the three ways it is
 * @param authorityHost where {@code DefaultAzureCredential} signs in (the cloud's, or {@code AZURE_AUTHORITY_HOST})
 */
record StorageAccess(String account, String blobEndpoint, Optional<Secret> secret, Kind kind, String authorityHost) {
    /** The ways to a storage account, in the order they are tried. */
    enum Kind {
        CONNECTION_STRING("the connection string of AZURE_STORAGE_CONNECTION_STRING"),
        ACCOUNT_KEY("the account key of AZURE_STORAGE_KEY"),
        DEFAULT_CREDENTIAL("DefaultAzureCredential (environment, workload or managed identity, Azure CLI, ...)");

        private final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    private static boolean isBase64(String text) {
        try {
            return java.util.Base64.getDecoder().decode(text).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The access the environment {@code env} gives to {@code account} ({@code --storage-account}).
     *
     * @throws JcapException when no account is named anywhere, or a connection string is malformed or names another
     */
    static StorageAccess resolve(Optional<String> account, Map<String, String> env, AzureCloud cloud) throws JcapException {
        String authority = cloud.authorityHost(env);
        Optional<String> connection = variable(env, "AZURE_STORAGE_CONNECTION_STRING");
        if (connection.isPresent()) {
            Map<String, String> fields = fields(connection.get());
            // A SAS connection string (the portal's "Generate SAS") names no AccountName: its
            // BlobEndpoint's host (acct.blob.core.windows.net) or, for an emulator, its path does.
            String named = Optional.ofNullable(fields.get("accountname"))
                    .or(() -> Optional.ofNullable(fields.get("blobendpoint")).flatMap(StorageAccess::accountOf))
                    .orElse(null);
            if (fields.containsKey("blobendpoint")) {
                io.jcap.builder.push.EndpointUrls.requireNoUserInfo("the BlobEndpoint of AZURE_STORAGE_CONNECTION_STRING",
                        fields.get("blobendpoint"));
            }
            String endpoint = Optional.ofNullable(fields.get("blobendpoint")).map(StorageAccess::trimmed)
                    .orElse(named == null ? null : fields.getOrDefault("defaultendpointsprotocol", "https") + "://" + named
                            + ".blob." + fields.getOrDefault("endpointsuffix", cloud.storageSuffix()));
            if (named == null || endpoint == null) {
                throw new JcapException("AZURE_STORAGE_CONNECTION_STRING has no AccountName"
                        + (endpoint == null ? " nor BlobEndpoint" : "") + ": give the connection string the portal or"
                        + " 'az storage account show-connection-string' prints");
            }
            String accountKey = fields.get("accountkey");
            if (accountKey != null && !isBase64(accountKey)) {
                // The SDK's own words would be "Illegal base64 character 21", at the first request.
                throw new JcapException("AZURE_STORAGE_CONNECTION_STRING has an AccountKey that is not base64 (an"
                        + " account key is 88 characters of base64): copy the connection string again from the portal"
                        + " or 'az storage account show-connection-string'");
            }
            if (account.isPresent() && !account.get().equals(named)) {
                throw JcapException.usage("--storage-account is '" + account.get() + "' but AZURE_STORAGE_CONNECTION_STRING is"
                        + " for account '" + named + "': drop one of them");
            }
            return new StorageAccess(named, endpoint, Optional.of(new Secret(connection.get())), Kind.CONNECTION_STRING,
                    authority);
        }
        String name = account.or(() -> variable(env, "AZURE_STORAGE_ACCOUNT")).orElseThrow(() -> new JcapException(
                "no storage account: give --storage-account NAME (or AZURE_STORAGE_ACCOUNT, or"
                        + " AZURE_STORAGE_CONNECTION_STRING)"));
        if (!name.matches("[a-z0-9]{3,24}")) {
            throw new JcapException("storage account '" + name + "' is not an Azure storage account name: 3 to 24"
                    + " lower-case letters and digits");
        }
        String endpoint = cloud.blobEndpoint(name);
        Optional<String> key = variable(env, "AZURE_STORAGE_KEY");
        if (key.isPresent() && !isBase64(key.get())) {
            throw new JcapException("AZURE_STORAGE_KEY is not base64 (an account key is 88 characters of base64): copy"
                    + " it again from the portal or 'az storage account keys list'");
        }
        return key.isPresent()
                ? new StorageAccess(name, endpoint, Optional.of(new Secret(key.get())), Kind.ACCOUNT_KEY, authority)
                : new StorageAccess(name, endpoint, Optional.empty(), Kind.DEFAULT_CREDENTIAL, authority);
    }

    /** What the access is, for messages: never the secret. */
    String source() {
        return kind.description;
    }

    /** A client builder for the account with these credentials, over {@link AzureHttp#client()}. */
    BlobServiceClientBuilder clientBuilder() {
        HttpClient http = AzureHttp.client();
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().httpClient(http);
        return switch (kind) {
            case CONNECTION_STRING -> builder.connectionString(secret.orElseThrow().reveal());
            case ACCOUNT_KEY -> builder.endpoint(blobEndpoint)
                    .credential(new StorageSharedKeyCredential(account, secret.orElseThrow().reveal()));
            case DEFAULT_CREDENTIAL -> builder.endpoint(blobEndpoint)
                    .credential(new DefaultAzureCredentialBuilder().authorityHost(authorityHost).httpClient(http).build());
        };
    }

    /** {@code text} with the secret replaced by {@code (secret)}, and a connection string's key and SAS token too. */
    String hidden(String text) {
        if (text == null || secret.isEmpty()) {
            return text;
        }
        String out = text;
        String value = secret.get().reveal();
        out = out.replace(value, "(secret)");
        if (kind == Kind.CONNECTION_STRING) {
            for (String field : new String[] {"accountkey", "sharedaccesssignature"}) {
                String part = fields(value).get(field);
                if (part != null && !part.isEmpty()) {
                    out = out.replace(part, "(secret)");
                }
            }
        }
        return out;
    }

    private static Map<String, String> fields(String connection) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : connection.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
            }
        }
        return fields;
    }

    /** The account a blob endpoint is for: {@code acct} of {@code https://acct.blob.core.windows.net/} or {@code http://127.0.0.1:10000/acct}. */
    static Optional<String> accountOf(String blobEndpoint) {
        try {
            java.net.URI uri = new java.net.URI(blobEndpoint.strip());
            String host = uri.getHost();
            if (host != null && host.matches("[a-z0-9]{3,24}\\.blob\\..+")) {
                return Optional.of(host.substring(0, host.indexOf('.')));
            }
            String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
            return path.matches("[a-z0-9]{3,24}") ? Optional.of(path) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Optional<String> variable(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    @Override
    public String toString() {
        return "StorageAccess[" + account + " at " + blobEndpoint + ", " + kind + "]";
    }
}
