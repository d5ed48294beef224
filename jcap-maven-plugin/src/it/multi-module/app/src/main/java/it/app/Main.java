package it.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.greeting.Greeting;
import java.util.Map;

/** Prints one JSON line made with Jackson from the library module's greeting and the image's environment. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String name = System.getenv().getOrDefault("GREETING_NAME", "nobody");
        System.out.println("JSON " + new ObjectMapper().writeValueAsString(Map.of("greeting", Greeting.to(name))));
        System.out.println("CLASSPATH " + System.getProperty("java.class.path"));
    }
}
