package io.jcap.builder.push.azure;

import com.azure.storage.blob.specialized.PageBlobClient;
import io.jcap.model.EventSink;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The page blob a push is writing, deleted when the push does not complete: by the push's failure
 * or by jcap's shutdown hook (Ctrl-C, SIGTERM), whichever comes first. The delete is sent once; a
 * second caller waits for that one. Each caller waits at most {@link #DELETE_BOUND}, so that a
 * stopped jcap ends even when the storage account does not answer; what is left is then said.
 *
 * <pre>{@code
 * HalfWrittenBlob half = new HalfWrittenBlob(blob, plan, events);
 * try (Cleanup.Registration r = Cleanup.register("delete page blob " + plan.url(), half::delete)) {
 *     ... // on failure: half.delete()
 * }
 * }</pre>
 */
final class HalfWrittenBlob {
    /** How long a caller waits for the delete. */
    static final Duration DELETE_BOUND = Duration.ofSeconds(15);

    private final AzureTarget.Plan plan;
    private final EventSink events;
    private final Duration bound;
    private final FutureTask<Boolean> deletion;
    private final AtomicBoolean started = new AtomicBoolean();

    HalfWrittenBlob(PageBlobClient blob, AzureTarget.Plan plan, EventSink events) {
        this(blob, plan, events, DELETE_BOUND);
    }

    /** One whose callers wait at most {@code bound}. */
    HalfWrittenBlob(PageBlobClient blob, AzureTarget.Plan plan, EventSink events, Duration bound) {
        this.plan = plan;
        this.events = events;
        this.bound = bound;
        this.deletion = new FutureTask<>(() -> {
            try {
                return blob.deleteIfExists();
            } catch (RuntimeException e) {
                throw AzureFailures.of(e, plan.access(), "delete " + plan.blob());
            }
        });
    }

    /**
     * Deletes the blob, or waits for the delete another thread started; at most the bound. The
     * first caller says what is left if the delete failed or did not end.
     */
    void delete() {
        boolean first = started.compareAndSet(false, true);
        if (first) {
            events.info("Deleting the half-written page blob " + plan.url());
            // On a thread of its own: a caller that gives up waiting leaves it, and it never keeps the JVM alive.
            Thread thread = new Thread(deletion, "jcap-azure-delete");
            thread.setDaemon(true);
            thread.start();
        }
        String left = await();
        if (first && left != null) {
            events.warn(left + " (metadata jcap_state=uploading); the next push of the name deletes it, or az storage blob"
                    + " delete --container-name " + plan.container() + " --name " + plan.blob());
        }
    }

    /** Waits for the delete, through interrupts too (restoring the flag); null once it is done, else what is left. */
    private String await() {
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    deletion.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return null;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    return "the delete of " + plan.url() + " did not end within " + bound.toSeconds() + " s: the"
                            + " half-written blob may be left";
                } catch (ExecutionException e) {
                    return "the half-written page blob " + plan.url() + " is left: " + e.getCause().getMessage();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
