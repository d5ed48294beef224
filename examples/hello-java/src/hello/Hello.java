package hello;

/** Prints a greeting and exits 0: the smallest Java application jcap boots. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("Hello from Java on jcap, " + String.join(" ", args) + "!");
    }
}
