package org.notesync.pipeline;

class PipelineRestartH2IT extends PipelineRestartContract {
}
