package it.bad;

/** Never built into an image: the pom's settings are refused first. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("unreachable");
    }
}
