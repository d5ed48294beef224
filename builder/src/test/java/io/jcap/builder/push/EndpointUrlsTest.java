package io.jcap.builder.push;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcap.model.JcapException;
import org.junit.jupiter.api.Test;

class EndpointUrlsTest {
    @Test
    void requireNoUserInfo_refusesAUserOrPassword_andNeverShowsThem() {
        // A password holding '/', '?' or '#' puts its '@' where a URL parser sees the path.
        for (String url : new String[] {"http://u:AWSURLSECRET@127.0.0.1:1", "https://AWSURLSECRET@host/x",
                "http://u:AWSURLSECRET@bad host/", "http://admin:se/AWSURLSECRET@127.0.0.1:1/v3",
                "http://admin:AWSURL?SECRET@127.0.0.1:1/v3", "http://admin:AWS#URLSECRET@127.0.0.1:1/v3"}) {
            JcapException e = assertThrows(JcapException.class, () -> EndpointUrls.requireNoUserInfo("AWS_ENDPOINT_URL", url));
            assertFalse(e.getMessage().contains("AWSURLSECRET"), e.getMessage());
            assertTrue(e.getMessage().startsWith("AWS_ENDPOINT_URL has a user name or password in it (http"), e.getMessage());
        }
        assertDoesNotThrow(() -> EndpointUrls.requireNoUserInfo("x", "https://ec2.eu-west-1.amazonaws.com/a/b"));
        assertEquals("https://...@host:1/p", EndpointUrls.withoutUserInfo("https://a:b@host:1/p"));
        assertEquals("http://...@127.0.0.1:1/v3", EndpointUrls.withoutUserInfo("http://admin:se/cr3t@127.0.0.1:1/v3"));
        assertEquals("https://host/p", EndpointUrls.withoutUserInfo("https://host/p"));
    }
}
