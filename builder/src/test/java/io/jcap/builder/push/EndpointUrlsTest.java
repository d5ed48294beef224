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
        for (String url : new String[] {"http://u:AWSURLSECRET@127.0.0.1:1", "https://AWSURLSECRET@host/x",
                "http://u:AWSURLSECRET@bad host/"}) {
            JcapException e = assertThrows(JcapException.class, () -> EndpointUrls.requireNoUserInfo("AWS_ENDPOINT_URL", url));
            assertFalse(e.getMessage().contains("AWSURLSECRET"), e.getMessage());
            assertTrue(e.getMessage().startsWith("AWS_ENDPOINT_URL has a user name or password in it (http"), e.getMessage());
        }
        assertDoesNotThrow(() -> EndpointUrls.requireNoUserInfo("x", "https://ec2.eu-west-1.amazonaws.com/a@b"));
        assertEquals("https://...@host:1/p", EndpointUrls.withoutUserInfo("https://a:b@host:1/p"));
        assertEquals("https://host/p@q", EndpointUrls.withoutUserInfo("https://host/p@q"));
    }
}
