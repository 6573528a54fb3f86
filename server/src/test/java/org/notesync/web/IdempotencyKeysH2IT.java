package org.notesync.web;

class IdempotencyKeysH2IT extends IdempotencyKeysContract {
}
