package org.notesync.webhook;

import org.notesync.delivery.DeliveryEngine;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Wakes this node's delivery engine once new deliveries are committed, so they start within milliseconds. */
@Component
class DeliveryWakeup {

    private static final Object REGISTERED = new Object();

    private final ObjectProvider<DeliveryEngine> engine;

    DeliveryWakeup(ObjectProvider<DeliveryEngine> engine) {
        this.engine = engine;
    }

    /** After the current transaction commits (once per transaction), or now when there is none. */
    void afterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            now();
            return;
        }
        if (TransactionSynchronizationManager.hasResource(REGISTERED)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(REGISTERED, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                now();
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(REGISTERED);
            }
        });
    }

    void now() {
        engine.ifAvailable(DeliveryEngine::wake);
    }
}
