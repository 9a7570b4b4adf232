package io.gatelens.http;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadersTest {
    @Test
    void tokensInListsIgnoringCaseAndWhitespace() {
        Headers h = new Headers();
        h.add("Connection", "keep-alive, Upgrade");
        h.add("connection", " \tClose\t ");
        h.add("Upgrade", "h2c,,websocketx");
        assertTrue(h.hasToken("CONNECTION", "upgrade"));
        assertTrue(h.hasToken("Connection", "close"));
        assertTrue(h.hasToken("Connection", "keep-alive"));
        assertFalse(h.hasToken("Connection", "keep"));
        assertFalse(h.hasToken("Upgrade", "websocket"));
        assertTrue(h.hasToken("Upgrade", "h2c"));
        assertFalse(h.hasToken("Host", "close"));
    }

    /** The in-place scan (of Strings and of raw bytes) agrees with splitting on commas and trimming, on random lists. */
    @Test
    void agreesWithSplitAndTrim() {
        String alphabet = ",, \t\u00a0\u0000aAbBkK-\u00e9\u00c9";
        String[] tokens = {"a", "ab", "A b", "k-", "\u00e9", "\u00c9a", "", "b"};
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 50_000; round++) {
            Headers h = new Headers();
            int fields = r.nextInt(3);
            StringBuilder[] values = new StringBuilder[fields];
            for (int f = 0; f < fields; f++) {
                values[f] = new StringBuilder();
                int n = r.nextInt(8);
                for (int k = 0; k < n; k++) values[f].append(alphabet.charAt(r.nextInt(alphabet.length())));
                String name = r.nextBoolean() ? "X-List" : "x-list";
                if (r.nextBoolean()) {
                    h.add(name, values[f].toString());
                } else {
                    // As the parser adds them: bytes, read in place until a String is asked for.
                    byte[] b = ("<>" + values[f] + "<>").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    h.addRaw(name, b, 2, b.length - 2);
                }
            }
            for (String token : tokens) {
                boolean expected = false;
                for (StringBuilder v : values) {
                    for (String part : v.toString().split(",")) {
                        if (part.trim().equalsIgnoreCase(token)) expected = true;
                    }
                }
                assertEquals(expected, h.hasToken("X-LIST", token), () -> "token \"" + token + "\" in " + java.util.Arrays.toString(values));
            }
        }
    }
}
