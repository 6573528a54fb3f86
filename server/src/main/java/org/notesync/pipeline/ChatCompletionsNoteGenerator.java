package org.notesync.pipeline;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Note generation by an OpenAI-compatible chat completions server ({@code POST {base}/v1/chat/completions}:
 * Ollama, vLLM, llama.cpp's server, OpenAI, Mistral). The note type's template is the system prompt; the
 * model must answer with a JSON object holding one string per section. An answer that is not such an
 * object is asked for once more, saying what was wrong; a second bad answer fails the step.
 */
final class ChatCompletionsNoteGenerator implements NoteGenerator {

    private final OpenAiEndpoint endpoint;
    private final PipelineProperties.Generation settings;
    private final JsonMapper json = JsonMapper.builder().build();

    ChatCompletionsNoteGenerator(PipelineProperties.Generation settings) {
        if (settings.model() == null || settings.model().isBlank()) {
            throw new IllegalArgumentException("notesync.pipeline.generation.model is required with a base URL");
        }
        this.settings = settings;
        this.endpoint = new OpenAiEndpoint("note generation server", settings.baseUrl(), "/chat/completions",
                settings.apiKey(), settings.connectTimeout(), settings.timeout());
    }

    @Override
    public String name() {
        return "openai-compatible:" + settings.model();
    }

    @Override
    public String generate(NoteRequest request) throws EngineException, InterruptedException {
        NoteTemplate template = request.template();
        ArrayNode messages = json.createArrayNode();
        messages.addObject().put("role", "system").put("content", template.prompt());
        messages.addObject().put("role", "user").put("content", "Consultation transcript"
                + (request.language() == null ? "" : " (language: " + request.language() + ")") + ":\n\n"
                + request.transcript());
        String problem = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            String output = complete(messages);
            try {
                return render(template, sections(template, output));
            } catch (InvalidOutput e) {
                problem = e.getMessage();
                messages.addObject().put("role", "assistant").put("content", output == null ? "" : output);
                messages.addObject().put("role", "user").put("content", "That answer is not valid: " + problem
                        + ". Answer again with only one JSON object whose keys are exactly "
                        + String.join(", ", template.sections()) + ", each a string.");
            }
        }
        throw EngineException.permanent("the note generation model's output was invalid twice (" + problem + ")");
    }

    /** The assistant message's content, or null when the answer has none (that too is invalid output). */
    private String complete(ArrayNode messages) throws EngineException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        body.put("model", settings.model());
        body.put("temperature", settings.temperature());
        body.put("stream", false);
        body.set("messages", messages.deepCopy());
        if (settings.jsonMode()) {
            body.putObject("response_format").put("type", "json_object");
        }
        String answer = endpoint.send("application/json",
                HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        try {
            JsonNode content = json.readTree(answer).path("choices").path(0).path("message").path("content");
            return content.isString() ? content.stringValue() : null;
        } catch (JacksonException e) {
            throw EngineException.permanent("the note generation server's answer is not a chat completion");
        }
    }

    /** The sections of a valid output, in the template's order. */
    Map<String, String> sections(NoteTemplate template, String output) throws InvalidOutput {
        if (output == null || output.isBlank()) {
            throw new InvalidOutput("the answer is empty");
        }
        JsonNode root;
        try {
            root = json.readTree(withoutCodeFence(output));
        } catch (JacksonException e) {
            throw new InvalidOutput("the answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidOutput("the answer is not a JSON object");
        }
        Map<String, String> sections = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String section : template.sections()) {
            JsonNode value = root.get(section);
            if (value == null || value.isNull()) {
                missing.add(section);
            } else if (!value.isString()) {
                throw new InvalidOutput("section \"" + section + "\" is not a string");
            } else {
                sections.put(section, value.stringValue().strip());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidOutput("missing section(s) " + String.join(", ", missing));
        }
        if (sections.values().stream().allMatch(String::isEmpty)) {
            throw new InvalidOutput("every section is empty");
        }
        return sections;
    }

    private String render(NoteTemplate template, Map<String, String> sections) {
        StringBuilder note = new StringBuilder();
        for (Map.Entry<String, String> s : sections.entrySet()) {
            note.append(NoteTemplate.title(s.getKey())).append(":\n")
                    .append(s.getValue().isEmpty() ? "(nothing recorded)" : s.getValue()).append("\n\n");
        }
        note.append("Generated by AI (").append(settings.model())
                .append(") from the consultation's transcript; to be reviewed by the clinician.");
        return note.toString();
    }

    /** Models often wrap JSON in a Markdown code fence even when told not to. */
    private static String withoutCodeFence(String output) {
        String text = output.strip();
        if (text.startsWith("```")) {
            int firstLine = text.indexOf('\n');
            int end = text.lastIndexOf("```");
            if (firstLine > 0 && end > firstLine) {
                return text.substring(firstLine + 1, end);
            }
        }
        return text;
    }

    /** What is wrong with an output; says nothing of its content. */
    static final class InvalidOutput extends Exception {
        InvalidOutput(String problem) {
            super(problem);
        }
    }
}
