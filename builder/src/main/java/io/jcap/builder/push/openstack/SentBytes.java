package io.jcap.builder.push.openstack;

import io.jcap.model.EventSink;
import io.jcap.model.Sha256;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Flow;

/**
 * The body of an upload: the file streamed from disk as the HTTP client asks for it (never whole
 * in memory), counting the bytes handed over for progress and digesting them (SHA-256 for the
 * result, SHA-512 to compare with Glance's {@code os_hash_value}).
 */
final class SentBytes implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher file;
    private final EventSink events;
    private final String task;
    private final long total;
    private MessageDigest sha256;
    private MessageDigest sha512;
    private long sent;

    SentBytes(Path path, long size, EventSink events, String task) throws FileNotFoundException {
        this.file = HttpRequest.BodyPublishers.ofFile(path);
        this.total = size;
        this.events = events;
        this.task = task;
        reset();
    }

    @Override
    public long contentLength() {
        return file.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        reset(); // a retried request reads the file again
        file.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                count(item);
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }

    private synchronized void count(ByteBuffer item) {
        sha256.update(item.duplicate());
        sha512.update(item.duplicate());
        sent += item.remaining();
        events.progress(task, sent, total);
    }

    private synchronized void reset() {
        sent = 0;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            sha512 = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-2", e);
        }
    }

    synchronized long sent() {
        return sent;
    }

    synchronized Sha256 sha256() throws CloneNotSupportedException {
        return Sha256.of((MessageDigest) sha256.clone());
    }

    synchronized String sha512() throws CloneNotSupportedException {
        return HexFormat.of().formatHex(((MessageDigest) sha512.clone()).digest());
    }
}
