package org.notesync.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.text.StringEscapeUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * What of a receiver's answer the attempt log may keep: the log must never hold note content or patients'
 * names, and a receiver may repeat them ("could not import note for Jane Doe: ..."). An excerpt is withheld
 * when it contains, ignoring case, any string value of the request of three characters or more whole, one of
 * two characters as a word of its own ("Li", "Wu"), or any run of {@value #RUN} characters of one; or, when
 * the answer went on past its 1 KiB excerpt, when the excerpt ends in the first three or more characters of
 * one. The answer is read as written and decoded: JSON's escapes ({@code \\u00e9}), again inside a string
 * that holds JSON, HTML's entities ({@code &eacute;}), %-escapes ({@code %C3%A9}), JSON strings as parsed,
 * all in Unicode's composed form (NFC), so that no encoding hides a value. The payload's identifiers are not such values: its ids, actions
 * and timestamps ({@link #IDENTIFIER_FIELDS}) and any UUID or date-time, which error messages name
 * harmlessly; every other value counts, the note's type and lower-case words included ("jane",
 * "schizophrenia", "psychiatric_assessment"). A request that is not JSON is compared as a whole.
 */
final class ResponseExcerpts {

    static final String WITHHELD = "[withheld: the response repeats the request]";

    /** Shorter runs are ordinary words; a run this long of a value is taken as that value repeated. */
    static final int RUN = 12;

    /** How many times an answer's escapes are decoded: JSON in a JSON string, HTML in JSON. */
    private static final int DECODINGS = 3;

    private static final JsonFactory JSON = new JsonFactory();
    /** The webhook payload's properties that name or date things, never health data. */
    static final Set<String> IDENTIFIER_FIELDS = Set.of("id", "uuid", "resource_type", "action",
            "createdAt", "updatedAt", "user_id", "organization_id", "webhook_id");

    private static final Pattern IDENTIFIER = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                    + "|\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})");

    private ResponseExcerpts() {
    }

    /** The excerpt to log for an answer to {@code request} whose body is whole in it; null stays null. */
    static String of(String excerpt, byte[] request) {
        return of(excerpt, false, request);
    }

    /**
     * The excerpt to log for an answer to {@code request}, or {@link #WITHHELD}; null stays null.
     *
     * @param cut whether the answer went on past the excerpt, so that its end may be a value's start
     */
    static String of(String excerpt, boolean cut, byte[] request) {
        if (excerpt == null || excerpt.isEmpty()) {
            return excerpt;
        }
        List<String> decoded = decodings(excerpt);
        Set<String> readings = new LinkedHashSet<>(decoded);
        for (String string : strings(excerpt.getBytes(StandardCharsets.UTF_8))) {
            readings.addAll(decodings(string));
        }
        String answer = String.join("\n", readings);
        Set<Long> runs = runHashes(answer);
        // A string cut short does not parse: the excerpt's end is compared as written and decoded, less an
        // escape the cut left unfinished.
        List<String> ends = cut ? decoded.stream().map(ResponseExcerpts::withoutCutEscape).toList() : List.of();
        // And as letters and digits alone, accents and markup dropped: what a receiver that writes spaces as
        // &nbsp; or +, splits a name with tags, or strips its accents ("Renee Nunez") still repeats.
        String folded = String.join("\n", readings.stream().map(ResponseExcerpts::folded).toList());
        // Runs without the spaces, or every word's leading space would make 11 letters a run ("'dry cough s'").
        String joined = folded.replace(" ", "");
        Set<Long> foldedRuns = runHashes(joined);
        for (String value : values(request)) {
            String v = normal(value);
            if (v.length() >= 3 && answer.contains(v) || v.length() == 2 && containsWord(answer, v)
                    || sharesARun(v, runs, answer) || endsInTheStartOf(ends, v)) {
                return WITHHELD;
            }
            String f = folded(v);
            if (f.length() >= FOLDED_WHOLE && folded.contains(f) || f.length() >= 3 && containsWord(folded, f)
                    || sharesARun(f.replace(" ", ""), foldedRuns, joined)) {
                return WITHHELD;
            }
        }
        return excerpt;
    }

    private static final Pattern TAG = Pattern.compile("<[^<>]{0,200}>");

    /** A folded value this long is looked for anywhere; a shorter one as a word of its own ("dap" is in "api"?). */
    private static final int FOLDED_WHOLE = 6;

    /**
     * Words of letters and digits in lower case, one space between them, without accents or markup tags: one
     * reading at a time, so that neither a JSON property's name nor another reading runs into a value.
     */
    static String folded(String text) {
        String decomposed = Normalizer.normalize(TAG.matcher(text).replaceAll(""), Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        boolean space = false;
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c)) {
                if (space && !out.isEmpty()) {
                    out.append(' ');
                }
                out.appendCodePoint(Character.toLowerCase(c));
                space = false;
            } else if (Character.getType(c) != Character.NON_SPACING_MARK) {
                space = true; // an accent's mark joins its letter; anything else separates words
            }
        }
        return out.toString();
    }

    /** The text in composed form and lower case, as answers and values are compared. */
    private static String normal(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /**
     * {@code text} as written, then with its JSON escapes, HTML entities and %-escapes decoded, again while that
     * changes.
     */
    private static List<String> decodings(String text) {
        List<String> decodings = new ArrayList<>(2);
        decodings.add(normal(text));
        String current = text;
        for (int i = 0; i < DECODINGS; i++) {
            // \\xHH before JSON's escapes, which would read \\x as x: bytes as Python and C print them.
            String next = percentDecoded(StringEscapeUtils.unescapeHtml4(unescaped(hexDecoded(current, "\\x"))));
            if (next.equals(current)) {
                break;
            }
            decodings.add(normal(next));
            current = next;
        }
        // A query string writes a space as + (q=chest+pain): read so too, as another reading.
        for (int i = 0, n = decodings.size(); i < n; i++) {
            if (decodings.get(i).indexOf('+') >= 0) {
                decodings.add(decodings.get(i).replace('+', ' '));
            }
        }
        return decodings;
    }

    /** Whether {@code word} is in {@code text} with no letter or digit on either side. */
    private static boolean containsWord(String text, String word) {
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            boolean before = i > 0 && Character.isLetterOrDigit(text.codePointBefore(i));
            int end = i + word.length();
            boolean after = end < text.length() && Character.isLetterOrDigit(text.codePointAt(end));
            if (!before && !after) {
                return true;
            }
        }
        return false;
    }

    /**
     * The excerpt is the answer's first 1 KiB: a value cut there shows as its start only, too short for a
     * run once under {@value #RUN} characters ("... Zqpat" of a name).
     */
    private static boolean endsInTheStartOf(List<String> ends, String value) {
        for (String end : ends) {
            for (int k = Math.min(value.length(), RUN - 1); k >= 3; k--) {
                if (end.regionMatches(end.length() - k, value, 0, k)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code text} with JSON's escapes decoded ({@code \\u00e9}, {@code \\n}, ...), and an escape the cut left
     * unfinished dropped, so that {@code "Ren\\u00e9e-Cl} ends in "Renée-Cl" and {@code "Ren\\u00} in "Ren".
     */
    static String unescaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                i++;
            } else if (i + 1 >= text.length()) {
                break; // a lone backslash at the end
            } else if (text.charAt(i + 1) == 'u') {
                if (i + 6 > text.length()) {
                    break; // \\u and fewer than four digits at the end
                }
                String hex = text.substring(i + 2, i + 6);
                if (hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                    out.append((char) Integer.parseInt(hex, 16));
                } else {
                    out.append(text, i, i + 6);
                }
                i += 6;
            } else {
                char e = text.charAt(i + 1);
                out.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> e; // \\" \\\\ \\/ and anything else as itself
                });
                i += 2;
            }
        }
        return out.toString();
    }

    /**
     * {@code text} with its %-escapes decoded as UTF-8, as a receiver that echoes a URL writes a name
     * ({@code N%C3%BA%C3%B1ez}), or as windows-1252 where they are no UTF-8 ({@code Ren%E9e}, as older
     * software writes Latin-1); a % not followed by two hex digits stays as it is, unless the text ends there.
     */
    static String percentDecoded(String text) {
        return hexDecoded(text, "%");
    }

    /** {@code text} with escapes of bytes as two hex digits after {@code prefix} decoded ({@link #percentDecoded}). */
    private static String hexDecoded(String text, String prefix) {
        if (!text.contains(prefix)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int p = prefix.length();
        int i = 0;
        while (i < text.length()) {
            boolean escape = text.startsWith(prefix, i);
            if (escape && i + p + 2 <= text.length() && Character.digit(text.charAt(i + p), 16) >= 0
                    && Character.digit(text.charAt(i + p + 1), 16) >= 0) {
                bytes.write(Integer.parseInt(text, i + p, i + p + 2, 16));
                i += p + 2;
                continue;
            }
            if (escape && text.substring(i + p).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                break; // an escape cut at the end
            }
            out.append(decoded(bytes, false));
            bytes.reset();
            out.append(text.charAt(i));
            i++;
        }
        return out.append(decoded(bytes, i >= text.length() || text.startsWith(prefix, i))).toString();
    }

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /**
     * Escaped bytes as UTF-8, or as windows-1252 where they are no UTF-8; {@code atCut} keeps a UTF-8 sequence
     * the excerpt's end cut short as such (U+FFFD, dropped from the end) rather than reading it as Latin-1.
     */
    private static String decoded(ByteArrayOutputStream bytes, boolean atCut) {
        byte[] b = bytes.toByteArray();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            String utf8 = new String(b, StandardCharsets.UTF_8);
            return atCut && utf8.indexOf('\uFFFD') == utf8.length() - 1 ? utf8 : new String(b, WINDOWS_1252);
        }
    }

    private static final Pattern CUT_ESCAPE = Pattern.compile("(&#?[a-z0-9]{0,31}|\uFFFD+)$");

    /** The end of a cut excerpt less an HTML entity cut before its {@code ;}, or a UTF-8 sequence cut short. */
    private static String withoutCutEscape(String end) {
        return CUT_ESCAPE.matcher(end).replaceFirst("");
    }

    private static final long BASE = 1_000_003L;
    /** BASE to the power RUN - 1, to take a window's first character out of its hash. */
    private static final long FIRST;

    static {
        long power = 1;
        for (int i = 1; i < RUN; i++) {
            power *= BASE;
        }
        FIRST = power;
    }

    /** The rolling hashes of every run of {@value #RUN} characters of {@code text}. */
    private static Set<Long> runHashes(String text) {
        Set<Long> hashes = new HashSet<>();
        long hash = 0;
        for (int i = 0; i < text.length(); i++) {
            if (i >= RUN) {
                hash -= text.charAt(i - RUN) * FIRST;
            }
            hash = hash * BASE + text.charAt(i);
            if (i >= RUN - 1) {
                hashes.add(hash);
            }
        }
        return hashes;
    }

    /**
     * Whether a run of {@value #RUN} characters of {@code value} is in {@code answer}: one pass of a rolling
     * hash over the value (a note may be 100,000 characters, and a receiver's every answer is checked),
     * each hit confirmed by comparing the characters.
     */
    private static boolean sharesARun(String value, Set<Long> runs, String answer) {
        if (runs.isEmpty()) {
            return false;
        }
        long hash = 0;
        for (int i = 0; i < value.length(); i++) {
            if (i >= RUN) {
                hash -= value.charAt(i - RUN) * FIRST;
            }
            hash = hash * BASE + value.charAt(i);
            if (i >= RUN - 1 && runs.contains(hash) && answer.contains(value.substring(i - RUN + 1, i + 1))) {
                return true;
            }
        }
        return false;
    }

    /** The request's string values that could be health data; the whole body when it is no JSON. */
    static List<String> values(byte[] request) {
        List<String> values = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), request)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING) {
                    String value = parser.getString();
                    if (!IDENTIFIER_FIELDS.contains(parser.currentName()) && !IDENTIFIER.matcher(value).matches()) {
                        values.add(value);
                    }
                }
            }
        } catch (JacksonException e) {
            return List.of(new String(request, StandardCharsets.UTF_8));
        }
        return values;
    }

    /** The string values and property names of a JSON text as far as it parses (an excerpt is cut short). */
    private static List<String> strings(byte[] json) {
        List<String> strings = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING || token == JsonToken.PROPERTY_NAME) {
                    strings.add(parser.getString());
                }
            }
        } catch (JacksonException e) {
            // not JSON, or cut short: what was read so far
        }
        return strings;
    }
}
