package org.notesync.webhook;

class DeliveryEngineH2IT extends DeliveryEngineContract {
}
