package org.notesync.note;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Listens to note events the way the webhook outbox does (synchronously, inside the note's transaction)
 * and records what it saw; refuses, by throwing, a note whose content starts with {@link #REFUSE}, to
 * show that a listener's failure rolls the note back.
 */
@Component
class NoteEventRecorder {

    static final String REFUSE = "test-listener-refuses:";
    /** A note whose content starts with this stalls its transaction in the listener: see {@link #stall}. */
    static final String STALL = "test-listener-stalls:";

    /** An event as a listener inside the transaction saw it. */
    record Seen(NoteEvent event, boolean inTransaction, boolean noteRowVisible) {
    }

    private final JdbcClient jdbc;
    private final List<Seen> published = new CopyOnWriteArrayList<>();
    private final List<NoteEvent> committed = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch stalled = new CountDownLatch(0);
    private volatile CountDownLatch resume = new CountDownLatch(0);

    NoteEventRecorder(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void inTransaction(NoteEvent event) {
        boolean visible = jdbc.sql("SELECT COUNT(*) FROM notes WHERE id = ? AND content = ?")
                .params(event.note().uuid(), event.note().content()).query(Long.class).single() == 1;
        published.add(new Seen(event, TransactionSynchronizationManager.isActualTransactionActive(), visible));
        if (event.note().content().startsWith(REFUSE)) {
            throw new IllegalStateException("the test listener refuses this note");
        }
        if (event.note().content().startsWith(STALL)) {
            stalled.countDown();
            try {
                resume.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Makes the transaction of a note whose content starts with {@link #STALL} stop in this listener, as a node that
     * froze midway would, counting {@code stalled} down, until {@code resume} is (30 s at most).
     */
    void stall(CountDownLatch stalled, CountDownLatch resume) {
        this.stalled = stalled;
        this.resume = resume;
    }

    @TransactionalEventListener
    void afterCommit(NoteEvent event) {
        committed.add(event);
    }

    List<Seen> published(UUID noteId) {
        return published.stream().filter(s -> s.event().note().uuid().equals(noteId)).toList();
    }

    List<Seen> publishedWithContent(String content) {
        return published.stream().filter(s -> s.event().note().content().equals(content)).toList();
    }

    List<NoteEvent> committed(UUID noteId) {
        return committed.stream().filter(e -> e.note().uuid().equals(noteId)).toList();
    }

    List<NoteEvent> committedWithContent(String content) {
        return committed.stream().filter(e -> e.note().content().equals(content)).toList();
    }
}
