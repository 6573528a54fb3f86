package org.notesync.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import org.notesync.identity.Accounts;
import org.notesync.identity.Scopes;
import org.notesync.identity.Viewer;
import org.notesync.web.ApiException;
import org.notesync.web.CollectionQuery;
import org.notesync.web.IdempotencyKeys;
import org.notesync.web.JsonFields;
import org.notesync.web.Representations;
import org.notesync.web.Violation;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.WebUtils;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /audios}: a clinician's recorded consultation, uploaded as multipart form data, and its
 * progress through the pipeline. An audio about a patient the caller cannot see is as absent as one that
 * does not exist.
 */
@RestController
class AudioController {

    static final Representations.ResourceType AUDIO = new Representations.ResourceType("Audio", "/audios");
    private static final String LD_JSON = "application/ld+json";
    private static final String JSON = "application/json";
    static final int MAX_TRANSCRIPT = 100_000;
    private static final Set<String> TEXT_FIELDS = Set.of("patient", "user", "languageSpoken", "noteType",
            "transcript");

    private final Audios audios;
    private final Accounts accounts;
    private final NoteTypes noteTypes;
    private final Representations representations;
    private final IdempotencyKeys keys;

    AudioController(Audios audios, Accounts accounts, NoteTypes noteTypes, Representations representations,
            IdempotencyKeys keys) {
        this.keys = keys;
        this.audios = audios;
        this.accounts = accounts;
        this.noteTypes = noteTypes;
        this.representations = representations;
    }

    @GetMapping(path = "/audios", produces = {LD_JSON, JSON})
    ResponseEntity<Object> list(Viewer viewer, @RequestParam MultiValueMap<String, String> parameters,
            HttpServletRequest request) {
        CollectionQuery query = new CollectionQuery(parameters);
        AudioFilter filter = AudioFilter.of(query);
        return representations.collection(request, AUDIO,
                audios.list(viewer, filter, query.page(), query.itemsPerPage()), Audio::uuid);
    }

    @GetMapping(path = "/audios/{uuid}", produces = {LD_JSON, JSON})
    ResponseEntity<Object> get(Viewer viewer, @PathVariable UUID uuid, HttpServletRequest request) {
        Audio audio = audios.find(viewer, uuid).orElseThrow(() -> ApiException.notFound("Audio"));
        return representations.item(request, AUDIO, audio.uuid(), audio);
    }

    /**
     * The uploaded bytes as they were received, with the media type recognised from them; a 410 once the
     * retention period removed them.
     */
    @GetMapping("/audios/{uuid}/file")
    ResponseEntity<Resource> file(Viewer viewer, @PathVariable UUID uuid) throws IOException {
        Audios.StoredFile file = kept(audios.file(viewer, uuid));
        InputStream content;
        try {
            content = audios.open(file);
        } catch (NoSuchFileException e) {
            // Deleted or expired since it was read: answer as the row now says; a live row without its file
            // is a fault of the storage.
            kept(audios.file(viewer, uuid));
            throw e;
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(file.format().mediaType()))
                .contentLength(file.size())
                .header("Content-Disposition", ContentDisposition.attachment()
                        .filename(uuid + "." + file.format().extension()).build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .body(new InputStreamResource(content));
    }

    /**
     * Removes the audio, its transcription and its recording for good. The note generated from it stays;
     * a step still running is dropped.
     */
    @DeleteMapping("/audios/{uuid}")
    ResponseEntity<Void> delete(Viewer viewer, @PathVariable UUID uuid) {
        if (!audios.delete(viewer, uuid)) {
            throw ApiException.notFound("Audio");
        }
        return ResponseEntity.noContent().build();
    }

    private static Audios.StoredFile kept(Optional<Audios.StoredFile> file) {
        Audios.StoredFile found = file.orElseThrow(() -> ApiException.notFound("Audio"));
        if (found.deletedAt() != null) {
            throw new ApiException(HttpStatus.GONE, "Gone", "The recording was deleted on "
                    + DateTimeFormatter.ISO_INSTANT.format(found.deletedAt()) + ", at the end of its retention "
                    + "period; the audio's transcription and its note remain.");
        }
        return found;
    }

    /**
     * Multipart fields: {@code file} (required), {@code patient} (uuid or IRI, required), {@code user} (the
     * clinician; required with an integration's token), {@code languageSpoken}, {@code noteType} (default
     * {@code consultation_summary}) and {@code transcript} (text the practice software already has).
     */
    @PostMapping(path = "/audios", consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = {LD_JSON, JSON})
    ResponseEntity<Object> upload(Viewer viewer, HttpServletRequest servletRequest) throws IOException {
        MultipartHttpServletRequest request = WebUtils.getNativeRequest(servletRequest,
                MultipartHttpServletRequest.class);
        if (request == null) {
            // Its parts could not be read when a filter first asked for the parameters (a client that went away
            // in the middle of its upload, a body cut short), and the dispatcher left it as it was: the problem
            // of a body that cannot be read, rather than an error of ours.
            throw new MultipartException("The multipart body could not be read.");
        }
        Form form = textFields(request);
        // Sent again with the key of an upload that committed: its audio, as it is now, whatever this one says.
        Optional<IdempotencyKeys.Claim> claim = keys.claim(request, viewer.organizationId(), viewer.clientId(),
                viewer.userId(), "POST /audios", () -> described(form.body(), request));
        Optional<UUID> earlier = claim.flatMap(keys::created);
        if (earlier.isPresent()) {
            return replayed(viewer, earlier.get(), request);
        }
        JsonFields fields = form.fields();
        UUID patient = fields.requiredReference("patient");
        if (patient != null && !audios.canWriteAbout(viewer, patient)) {
            fields.reject("patient", "This patient does not exist.", Violation.NOT_FOUND);
        }
        UUID user = author(viewer, fields);
        String language = fields.string("languageSpoken", 35).orElse(null);
        String noteType = fields.string("noteType", 64).orElse(NoteTypes.DEFAULT);
        List<String> available = noteTypes.available();
        if (!available.contains(noteType)) {
            fields.reject("noteType", "The value you selected is not a valid choice. Allowed: "
                    + String.join(", ", available) + ".", Violation.INVALID_CHOICE);
        }
        String transcript = fields.text("transcript", MAX_TRANSCRIPT).filter(t -> !t.isBlank()).orElse(null);
        MultipartFile file = file(request, fields);
        fields.validate();

        AudioFormat format = format(file);
        Audios.Created created;
        try (InputStream content = file.getInputStream()) {
            created = audios.create(new Audios.NewAudio(viewer.organizationId(), patient, user, language, noteType,
                    transcript), format, content, claim.orElse(null));
        }
        if (created.earlier() != null) {
            return replayed(viewer, created.earlier(), request);
        }
        UUID id = created.audio().uuid();
        return representations.created(request, AUDIO, id,
                Representations.shown(viewer.hasScope(Scopes.READ_AUDIOS), id, created.audio()), false);
    }

    /** What the key this request sent again created (Representations#replayed); a 404 once deleted. */
    private ResponseEntity<Object> replayed(Viewer viewer, UUID earlier, HttpServletRequest request) {
        keys.countReplay();
        return representations.replayed(request, AUDIO, earlier,
                viewer.hasScope(Scopes.READ_AUDIOS) ? audios.find(viewer, earlier) : Optional.empty(),
                () -> audios.exists(viewer, earlier));
    }

    /** The form's text fields, and what an Idempotency-Key's request is compared by. */
    private record Form(ObjectNode body, JsonFields fields) {
    }

    /** An upload as an Idempotency-Key compares it: its text fields, and a SHA-256 of each file it carries. */
    private static ObjectNode described(ObjectNode text, MultipartHttpServletRequest request) {
        ObjectNode described = text.deepCopy();
        ArrayNode files = described.putArray("file");
        for (MultipartFile file : request.getMultiFileMap().getOrDefault("file", List.of())) {
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                try (InputStream in = new DigestInputStream(file.getInputStream(), sha256)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                files.add(HexFormat.of().formatHex(sha256.digest()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        }
        return described;
    }

    /**
     * The form's text fields as a JSON object, so they are validated exactly like a JSON body's. The text
     * parts, decoded strictly (as their part says, UTF-8 when it says nothing): a transcript with
     * bytes that are not of its charset is refused by name rather than stored with replacement characters.
     */
    private static Form textFields(MultipartHttpServletRequest request) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Map<String, Integer> parts = new LinkedHashMap<>();
        Set<String> undecodable = new LinkedHashSet<>();
        try {
            for (Part part : request.getParts()) {
                if (part.getSubmittedFileName() != null || !TEXT_FIELDS.contains(part.getName())) {
                    continue;
                }
                parts.merge(part.getName(), 1, Integer::sum);
                try (InputStream in = part.getInputStream()) {
                    String value = charset(part).newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(in.readAllBytes())).toString();
                    values.computeIfAbsent(part.getName(), k -> new ArrayList<>()).add(value);
                } catch (CharacterCodingException e) {
                    undecodable.add(part.getName());
                }
            }
        } catch (ServletException e) {
            throw new MultipartException("The multipart body could not be read.", e);
        }
        // Fields may come in the query string too, as they always could: the container lists those first
        // among a name's parameters, before the parts.
        for (String name : TEXT_FIELDS) {
            String[] all = request.getParameterValues(name);
            int fromParts = parts.getOrDefault(name, 0);
            if (all != null && all.length > fromParts) {
                List<String> merged = new ArrayList<>(Arrays.asList(all).subList(0, all.length - fromParts));
                merged.addAll(values.getOrDefault(name, List.of()));
                values.put(name, merged);
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        List<String> repeated = new ArrayList<>();
        values.forEach((name, given) -> {
            if (given.size() == 1) {
                body.put(name, given.get(0));
            } else {
                body.set(name, JsonNodeFactory.instance.arrayNode()); // present, and never read as a value
                repeated.add(name);
            }
        });
        JsonFields fields = JsonFields.of(body);
        repeated.forEach(name -> fields.reject(name, "This field is given more than once: send it once.",
                Violation.INVALID_TYPE));
        undecodable.forEach(name -> fields.reject(name, "This value is not valid text in its charset (UTF-8 "
                + "unless its part says otherwise).", Violation.INVALID_FORMAT));
        return new Form(body, fields);
    }

    private static Charset charset(Part part) {
        try {
            MediaType type = part.getContentType() == null ? null : MediaType.parseMediaType(part.getContentType());
            return type == null || type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset();
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8; // an unknown or malformed charset: read as UTF-8, strictly
        }
    }

    private static MultipartFile file(MultipartHttpServletRequest request, JsonFields fields) {
        List<MultipartFile> files = request.getMultiFileMap().getOrDefault("file", List.of());
        if (files.isEmpty()) {
            fields.reject("file", "This value should not be null: send the audio as the multipart part \"file\".",
                    Violation.NOT_NULL);
            return null;
        }
        if (files.size() > 1) {
            fields.reject("file", "Send one audio file per upload.", Violation.INVALID_TYPE);
            return null;
        }
        if (files.get(0).isEmpty()) {
            fields.reject("file", "The file is empty.", Violation.NOT_BLANK);
            return null;
        }
        return files.get(0);
    }

    private static AudioFormat format(MultipartFile file) throws IOException {
        byte[] header;
        try (InputStream in = file.getInputStream()) {
            header = in.readNBytes(AudioFormat.HEADER_BYTES);
        }
        return AudioFormat.sniff(header, header.length).orElseThrow(() -> new ApiException(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type",
                "The file is not audio in a supported format. Accepted: WAV, MP3, OGG (Opus or Vorbis), WebM and "
                        + "M4A/AAC, recognised from the file's content, not its name or declared type."));
    }

    /**
     * Who recorded it: a clinician's token uploads as that clinician; an integration's token has no
     * clinician, so it must name one of the organization's.
     */
    private UUID author(Viewer viewer, JsonFields fields) {
        if (viewer.userId() != null) {
            Optional<UUID> named = fields.reference("user");
            if (named.isPresent() && !named.get().equals(viewer.userId())) {
                fields.reject("user", "A clinician's token uploads audios as that clinician.",
                        Violation.INVALID_CHOICE);
            }
            return viewer.userId();
        }
        UUID named = fields.requiredReference("user");
        if (named != null && accounts.user(viewer.organizationId(), named).isEmpty()) {
            fields.reject("user", "This clinician does not exist.", Violation.NOT_FOUND);
            return null;
        }
        return named;
    }
}
