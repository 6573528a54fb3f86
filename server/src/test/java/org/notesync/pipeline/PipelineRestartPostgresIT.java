package org.notesync.pipeline;

import org.notesync.support.OnPostgres;

@OnPostgres
class PipelineRestartPostgresIT extends PipelineRestartContract {
}
