package io.postmortembridge.postmortem.document;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** What every renderer does to text and links before writing them in its own syntax. */
final class PlainText {

    private PlainText() {
    }

    /**
     * Text as every renderer should see it: line endings normalised to {@code \n}; control
     * characters other than newline and tab dropped (they are invisible, and some break JSON/XML
     * consumers downstream); unpaired surrogates dropped (they are not encodable as UTF-8, so
     * Jackson would write them as U+FFFD or fail). Null reads as empty.
     */
    static String clean(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        String text = raw.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    out.append(c).append(text.charAt(++i));
                }
            } else if (Character.isLowSurrogate(c)) {
                continue;
            } else if (c == '\n' || c == '\t' || !Character.isISOControl(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The href to link to, or empty when it must not be a link. Only absolute http(s) URIs with a
     * host qualify: a viewer follows whatever scheme we emit, and {@code javascript:} or
     * {@code data:} would run in the reader's session. Surrounding whitespace is ignored and inner
     * spaces are percent-encoded, as a browser would; anything else that does not parse (including
     * control characters, which browsers silently drop and so could hide a scheme) is rejected.
     * The result is ASCII-only, so invisible or bidi-control characters cannot disguise it.
     */
    static Optional<String> webHref(String href) {
        if (href == null) {
            return Optional.empty();
        }
        String candidate = href.strip();
        if (candidate.isEmpty() || !clean(candidate).equals(candidate) || candidate.indexOf('\n') >= 0
                || candidate.indexOf('\t') >= 0) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(candidate.replace(" ", "%20"));
            String scheme = uri.getScheme();
            if (scheme == null || uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
                return Optional.empty();
            }
            String lower = scheme.toLowerCase(Locale.ROOT);
            if (!lower.equals("http") && !lower.equals("https")) {
                return Optional.empty();
            }
            return Optional.of(uri.toASCIIString());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
