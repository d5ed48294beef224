package it.greeting;

/** The library module's part of the line the app prints. */
public final class Greeting {
    private Greeting() {
    }

    public static String to(String name) {
        return "Hello, " + name;
    }
}
