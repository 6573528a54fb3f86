package org.notesync.web;

import org.notesync.support.OnPostgres;

@OnPostgres
class IdempotencyKeysPostgresIT extends IdempotencyKeysContract {
}
