package io.jcap.builder.repository;

import io.jcap.model.JcapException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second process for {@link BuildLockTest}: {@code BuildLockHolder DIR NAME hold} takes the
 * build lock of NAME in the repository DIR, prints {@code locked}, and gives it back (printing
 * {@code released}) when a line arrives on its input; {@code try} prints {@code locked} or
 * {@code busy: MESSAGE} and ends.
 */
public final class BuildLockHolder {
    private BuildLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        ImageRepository repository = new ImageRepository(Path.of(args[0]));
        BuildLock lock;
        try {
            lock = repository.lockForBuild(args[1]);
        } catch (JcapException e) {
            System.out.println("busy: " + e.getMessage());
            return;
        }
        System.out.println("locked");
        if (args[2].equals("hold")) {
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        lock.close();
        System.out.println("released");
    }
}
