package io.jcap.builder.push;

import io.jcap.model.JcapException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Service URLs jcap is given ({@code auth_url}, {@code AWS_ENDPOINT_URL}, an Azure
 * {@code BlobEndpoint}): a user name and password written into one
 * ({@code https://user:secret@host}) would travel into every message that names the service, and
 * none of these services reads them from there, so such a URL is refused, and shown without them.
 *
 * <pre>{@code
 * EndpointUrls.requireNoUserInfo("OS_AUTH_URL", "https://keystone.example.com:5000/v3");
 * }</pre>
 */
public final class EndpointUrls {
    private EndpointUrls() {
    }

    /** Refuses {@code url} when it carries a user (and password) before its host; {@code what} names its source. */
    public static void requireNoUserInfo(String what, String url) throws JcapException {
        if (hasUserInfo(url)) {
            throw new JcapException(what + " has a user name or password in it (" + withoutUserInfo(url) + " with '...@'"
                    + " before the host), which jcap does not send and would show in its messages: give the URL"
                    + " without them, and the credentials as the service takes them");
        }
    }

    /**
     * Whether {@code url} has a user-info part before its host, or may have: any {@code @} after
     * {@code ://} counts, since a password holding {@code /}, {@code ?} or {@code #} puts its
     * {@code @} where a URL parser sees a path (and none of these services' URLs has an {@code @}).
     */
    public static boolean hasUserInfo(String url) {
        try {
            if (new URI(url.strip()).getRawUserInfo() != null) {
                return true;
            }
        } catch (URISyntaxException e) {
            // judged by its text below
        }
        int scheme = url.indexOf("://");
        return scheme >= 0 && url.indexOf('@', scheme + 3) >= 0;
    }

    /** {@code url} with whatever stands between {@code ://} and its last {@code @} replaced by "...". */
    public static String withoutUserInfo(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        return scheme < 0 || at < scheme + 3 ? url : url.substring(0, scheme + 3) + "..." + url.substring(at);
    }
}
