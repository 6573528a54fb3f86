package org.notesync.note;

import java.time.Duration;

import javax.sql.DataSource;

import org.notesync.patient.PatientAccessChanged;
import org.notesync.web.Databases;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the change feed numbered: wakes the {@link FeedSequencer} when a note change that has no number
 * yet commits on this node, and lets it poll for changes committed by other nodes.
 */
@Component
class NoteFeed implements DisposableBean {

    private final FeedSequencer sequencer;

    NoteFeed(JdbcClient jdbc, JdbcTemplate batch, TransactionTemplate transaction,
            @Value("${notesync.feed.sequencer-interval:1s}") Duration interval, DataSource dataSource) {
        this.sequencer = new FeedSequencer(jdbc, batch, transaction, interval.toMillis(),
                Databases.isPostgres(dataSource));
    }

    /** Once the change commits (at once outside a transaction). */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(NoteEvent event) {
        if (!event.numbered()) {
            sequencer.wake(event.note().uuid());
        }
    }

    /**
     * A patient's change of hands dropped its notes' numbers: they are numbered again once it commits,
     * rather than at the next scan.
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void on(PatientAccessChanged change) {
        sequencer.scanSoon();
    }

    /** Numbers what has committed so far, now; for tests and for readers that cannot wait. */
    int sequenceNow() {
        return sequencer.run();
    }

    @Override
    public void destroy() {
        sequencer.close();
    }
}
