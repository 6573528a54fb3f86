package org.notesync.client;

import org.notesync.support.OnPostgres;

@OnPostgres
class SdkResourcesPostgresIT extends SdkResourcesContract {
}
