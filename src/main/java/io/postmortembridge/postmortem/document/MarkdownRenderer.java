package io.postmortembridge.postmortem.document;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Renders a {@link Document} as GitHub-flavoured Markdown, the form dry-run drafts are written in.
 * Incident text comes from whoever typed it into the incident tool, so every character that
 * Markdown could read as syntax is escaped and the text always shows literally. No raw HTML is
 * emitted.
 *
 * <p>Written here rather than taken from commonmark-java's Markdown renderer: that one writes
 * CommonMark and escapes what CommonMark would misread, while these files are read where
 * GitHub-flavoured Markdown is rendered, which reads more as syntax ({@code ~~}, {@code www.}
 * autolinks, {@code $} math, {@code |} in table cells). The document model is small (headings,
 * paragraphs, lists, tables, links), so the renderer is too, and its tests pin each escape.
 */
public final class MarkdownRenderer {

    /**
     * Escaped wherever they appear: emphasis, code, links/images, autolinks and HTML, headings,
     * tables, strikethrough, entity references, and GitHub's {@code $} math. {@code {}} are not
     * syntax in GFM but are escaped too, so the text survives renderers that treat them as such.
     */
    private static final String ALWAYS_ESCAPED = "\\`*_{}[]<>()#!|~&$";

    /** Only syntax at the start of a line: list markers and setext underlines. */
    private static final String LINE_START_ESCAPED = "-+=";

    private static final Pattern ORDERED_LIST_MARKER = Pattern.compile("^[0-9]+\\.");

    /** An entity reference would be decoded inside a link destination. */
    private static final Pattern ENTITY_IN_HREF = Pattern.compile("&(?=#?[A-Za-z0-9]+;)");

    private MarkdownRenderer() {
    }

    public static String render(Document doc) {
        List<String> parts = new ArrayList<>();
        for (Block block : doc.blocks()) {
            String part = block(block);
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return String.join("\n\n", parts) + "\n";
    }

    private static String block(Block block) {
        if (block instanceof Heading heading) {
            String text = String.join(" ", lines(List.of(Inline.text(heading.text()))));
            String marker = "#".repeat(heading.level());
            return text.isEmpty() ? marker : marker + " " + text;
        }
        if (block instanceof Paragraph paragraph) {
            // A backslash before the newline is Markdown's own hard line break, so no <br> is needed
            return String.join("\\\n", lines(paragraph.content()));
        }
        if (block instanceof BulletList list) {
            List<String> items = new ArrayList<>();
            for (Paragraph item : list.items()) {
                List<String> lines = lines(item.content());
                // continuation lines are indented so they stay inside the item
                items.add(lines.isEmpty() ? "-" : "- " + String.join("\\\n  ", lines));
            }
            return String.join("\n", items);
        }
        if (block instanceof Table table) {
            return table(table);
        }
        throw new IllegalArgumentException("unknown block " + block.getClass().getName());
    }

    private static String table(Table table) {
        // GFM has no table without columns
        if (table.header().isEmpty()) {
            return "";
        }
        List<String> header = new ArrayList<>();
        List<String> delimiter = new ArrayList<>();
        for (String title : table.header()) {
            header.add(cell(List.of(Inline.text(title))));
            delimiter.add("---");
        }
        StringBuilder out = new StringBuilder();
        out.append(row(header)).append('\n').append(row(delimiter));
        for (List<Paragraph> cells : table.rows()) {
            List<String> rendered = new ArrayList<>();
            for (Paragraph cell : cells) {
                rendered.add(cell(cell.content()));
            }
            out.append('\n').append(row(rendered));
        }
        return out.toString();
    }

    /** A GFM table row is one line, so lines within a cell are joined with a space. */
    private static String cell(List<Inline> content) {
        return String.join(" ", lines(content));
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    private record Segment(String text, boolean strong, String href) {
        boolean sameStyle(Segment other) {
            return strong == other.strong && Objects.equals(href, other.href);
        }
    }

    /**
     * The inline content as rendered Markdown lines, one per line of the source text. Lines are
     * trimmed of spaces and tabs (leading ones would make an indented code block, trailing ones a
     * hard break) and blank lines are dropped (they would end the paragraph or the list).
     */
    private static List<String> lines(List<Inline> content) {
        List<List<Segment>> lines = new ArrayList<>();
        lines.add(new ArrayList<>());
        for (Inline inline : content) {
            if (inline instanceof Inline.Text text) {
                split(lines, PlainText.clean(text.text()), text.strong(), null);
            } else if (inline instanceof Inline.Link link) {
                String label = PlainText.clean(link.text());
                if (label.isBlank()) {
                    label = PlainText.clean(link.href() == null ? "" : link.href().strip());
                }
                split(lines, label, false, PlainText.webHref(link.href()).orElse(null));
            }
        }
        List<String> rendered = new ArrayList<>();
        for (List<Segment> line : lines) {
            String markdown = line(trim(merge(line)));
            if (!markdown.isEmpty()) {
                rendered.add(markdown);
            }
        }
        return rendered;
    }

    private static void split(List<List<Segment>> lines, String text, boolean strong, String href) {
        String[] parts = text.split("\n", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                lines.add(new ArrayList<>());
            }
            if (!parts[i].isEmpty()) {
                lines.get(lines.size() - 1).add(new Segment(parts[i], strong, href));
            }
        }
    }

    /** Two adjacent strong runs would otherwise meet as {@code ****}, which Markdown misreads. */
    private static List<Segment> merge(List<Segment> line) {
        List<Segment> merged = new ArrayList<>();
        for (Segment segment : line) {
            int last = merged.size() - 1;
            if (last >= 0 && merged.get(last).sameStyle(segment)) {
                Segment previous = merged.get(last);
                merged.set(last, new Segment(previous.text() + segment.text(), segment.strong(), segment.href()));
            } else {
                merged.add(segment);
            }
        }
        return merged;
    }

    private static List<Segment> trim(List<Segment> line) {
        List<Segment> trimmed = new ArrayList<>(line);
        while (!trimmed.isEmpty()) {
            Segment first = trimmed.get(0);
            String text = stripLeading(first.text());
            if (!text.isEmpty()) {
                trimmed.set(0, new Segment(text, first.strong(), first.href()));
                break;
            }
            trimmed.remove(0);
        }
        while (!trimmed.isEmpty()) {
            int lastIndex = trimmed.size() - 1;
            Segment last = trimmed.get(lastIndex);
            String text = stripTrailing(last.text());
            if (!text.isEmpty()) {
                trimmed.set(lastIndex, new Segment(text, last.strong(), last.href()));
                break;
            }
            trimmed.remove(lastIndex);
        }
        return trimmed;
    }

    private static String line(List<Segment> segments) {
        // strong needs to see what follows it, so everything else is rendered first
        String[] rendered = new String[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            if (segment.href() != null) {
                rendered[i] = "[" + escape(segment.text(), false) + "](" + destination(segment.href()) + ")";
            } else if (!segment.strong()) {
                rendered[i] = escape(segment.text(), i == 0);
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            if (rendered[i] != null) {
                out.append(rendered[i]);
            } else {
                String following = i + 1 < segments.size() ? rendered[i + 1] : "";
                strong(out, segments.get(i).text(), following.isEmpty() ? -1 : following.codePointAt(0));
            }
        }
        return out.toString();
    }

    /**
     * Whitespace goes outside the {@code **}, since a delimiter run with whitespace on its inner
     * side does not open or close. Where the run still could not open or close (punctuation inside
     * next to a letter outside, as in {@code foo**(bar)**}), the text is written without the
     * {@code **}: losing the bold is better than showing stray asterisks the author never typed.
     */
    private static void strong(StringBuilder out, String text, int next) {
        String core = stripTrailing(stripLeading(text));
        if (core.isEmpty()) {
            out.append(text);
            return;
        }
        int start = text.length() - stripLeading(text).length();
        String trailing = text.substring(start + core.length());
        String escaped = escape(core, false);
        out.append(text, 0, start);
        int before = out.length() == 0 ? -1 : out.codePointBefore(out.length());
        int after = trailing.isEmpty() ? next : ' ';
        boolean opens = flanks(escaped.codePointAt(0), before);
        boolean closes = flanks(escaped.codePointBefore(escaped.length()), after);
        if (opens && closes) {
            out.append("**").append(escaped).append("**");
        } else {
            out.append(escaped);
        }
        out.append(trailing);
    }

    /**
     * CommonMark's flanking rule for {@code *} runs, seen from the emphasised text: {@code inner}
     * is the character just inside the run, {@code outer} the one just outside (-1 for none).
     */
    private static boolean flanks(int inner, int outer) {
        if (isWhitespace(inner)) {
            return false;
        }
        return !isPunctuation(inner) || outer == -1 || isWhitespace(outer) || isPunctuation(outer);
    }

    private static boolean isWhitespace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.getType(codePoint) == Character.SPACE_SEPARATOR;
    }

    /** ASCII punctuation and Unicode punctuation and symbols (newer CommonMark counts both). */
    private static boolean isPunctuation(int codePoint) {
        if (codePoint < 0x80) {
            return codePoint > 0x20 && codePoint < 0x7F && !Character.isLetterOrDigit(codePoint);
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL,
                    Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    private static String escape(String text, boolean atLineStart) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        int from = 0;
        if (atLineStart && !text.isEmpty()) {
            if (LINE_START_ESCAPED.indexOf(text.charAt(0)) >= 0) {
                out.append('\\').append(text.charAt(0));
                from = 1;
            } else {
                var marker = ORDERED_LIST_MARKER.matcher(text);
                if (marker.find()) {
                    out.append(text, 0, marker.end() - 1).append("\\.");
                    from = marker.end();
                }
            }
        }
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (ALWAYS_ESCAPED.indexOf(c) >= 0 || startsAutolink(text, i)) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * GFM turns {@code scheme://...} and {@code www.} in plain text into links, reading the raw
     * source: the link would swallow the backslash of an escape right after the URL, so the reader
     * would see {@code https://x/p\)}. Escaping the {@code :} or {@code .} keeps such text plain.
     * (Email addresses are still autolinked: GFM finds them after escapes are undone, so no escape
     * can prevent it; the visible text stays exact.)
     */
    private static boolean startsAutolink(String text, int i) {
        char c = text.charAt(i);
        return c == ':' && text.startsWith("//", i + 1)
                || c == '.' && i >= 3 && text.regionMatches(true, i - 3, "www", 0, 3);
    }

    /**
     * {@link PlainText#webHref} has already made the href ASCII with no spaces, backslashes or
     * angle brackets; parentheses remain, and would end the destination or unbalance it.
     */
    private static String destination(String href) {
        String encoded = href.replace("(", "%28").replace(")", "%29");
        return ENTITY_IN_HREF.matcher(encoded).replaceAll("\\\\&");
    }

    private static String stripLeading(String text) {
        int start = 0;
        while (start < text.length() && isSpaceOrTab(text.charAt(start))) {
            start++;
        }
        return text.substring(start);
    }

    private static String stripTrailing(String text) {
        int end = text.length();
        while (end > 0 && isSpaceOrTab(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static boolean isSpaceOrTab(char c) {
        return c == ' ' || c == '\t';
    }
}
