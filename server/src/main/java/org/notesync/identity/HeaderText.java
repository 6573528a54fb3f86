package org.notesync.identity;

/**
 * What {@link org.springframework.security.web.firewall.StrictHttpFirewall} allows by default in header
 * names and values and in parameter names: assigned characters that are not control characters. The
 * firewall checks it with the pattern {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} on every header read,
 * which JFR showed taking 8% of the server's CPU under the API benchmark (docs/PERFORMANCE.md); this is the
 * same rule as a loop over the code points, installed with the firewall's own setters.
 */
final class HeaderText {

    private HeaderText() {
    }

    static boolean isAllowed(String text) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
