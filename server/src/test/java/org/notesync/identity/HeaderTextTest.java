package org.notesync.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class HeaderTextTest {

    /** StrictHttpFirewall's default rule for header names and values and parameter names. */
    private static final Pattern FIREWALL = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void decidesEveryCodePointLikeTheFirewallPattern() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String text = new String(Character.toChars(cp));
            assertThat(HeaderText.isAllowed(text)).as("U+%04X", cp).isEqualTo(FIREWALL.matcher(text).matches());
        }
    }

    @Test
    void decidesMixedTextLikeTheFirewallPattern() {
        Random random = new Random(8644);
        int[] samples = {'a', ' ', '\t', '\n', 0x7f, 0x85, 0xe9, 0x378, 0xd83d, 0xde00, 0x1f600, 0xe0001, 0x10ffff};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                text.appendCodePoint(samples[random.nextInt(samples.length)]);
            }
            String s = text.toString();
            assertThat(HeaderText.isAllowed(s)).as(s).isEqualTo(FIREWALL.matcher(s).matches());
        }
    }

    @Test
    void refusesControlAndUnassignedCharacters() {
        assertThat(HeaderText.isAllowed("Bearer abc.def")).isTrue();
        assertThat(HeaderText.isAllowed("caf\u00e9 \ud83d\ude00")).isTrue();
        assertThat(HeaderText.isAllowed("a\rb")).isFalse();
        assertThat(HeaderText.isAllowed("a\u0378")).isFalse();
    }
}
