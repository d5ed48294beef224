package hello;

/** Prints a greeting (GREETING from the image's environment) and exits 0. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        String greeting = System.getenv().getOrDefault("GREETING", "Hi");
        System.out.println(greeting + " from a Maven-built jcap image, " + (args.length > 0 ? args[0] : "world") + "!");
    }
}
