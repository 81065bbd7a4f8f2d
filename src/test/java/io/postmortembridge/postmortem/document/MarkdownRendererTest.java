package io.postmortembridge.postmortem.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MarkdownRendererTest {

    @Test
    void rendersEveryBlockKind() {
        Document doc = new Document(List.of(
                new Heading(2, "Timeline"),
                Paragraph.of(Inline.strong("Service:"), Inline.text(" checkout "),
                        Inline.link("PD-42", "https://acme.pagerduty.com/incidents/PD42")),
                new BulletList(List.of(Paragraph.text("first"), Paragraph.text("second"))),
                new Table(List.of("Action", "Owner"),
                        List.of(List.of(Paragraph.text("Add alert"), Paragraph.of(Inline.strong("alice")))))));

        assertThat(MarkdownRenderer.render(doc)).isEqualTo("""
                ## Timeline

                **Service:** checkout [PD-42](https://acme.pagerduty.com/incidents/PD42)

                - first
                - second

                | Action | Owner |
                | --- | --- |
                | Add alert | **alice** |
                """);
    }

    static Stream<Arguments> hostileText() {
        return Stream.of(
                Arguments.of("{code}rm -rf /{code}", "\\{code\\}rm -rf /\\{code\\}"),
                Arguments.of("[~accountid:123] please look", "\\[\\~accountid:123\\] please look"),
                Arguments.of("*bold* _em_ **strong** ~~gone~~", "\\*bold\\* \\_em\\_ \\*\\*strong\\*\\* \\~\\~gone\\~\\~"),
                Arguments.of("<script>alert(1)</script>", "\\<script\\>alert\\(1\\)\\</script\\>"),
                Arguments.of("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
                Arguments.of("![img](https://evil.example/p.png)", "\\!\\[img\\]\\(https\\://evil.example/p.png\\)"),
                Arguments.of("<https://evil.example>", "\\<https\\://evil.example\\>"),
                Arguments.of("[ref]: https://evil.example", "\\[ref\\]: https\\://evil.example"),
                Arguments.of("\"quotes\" and \\backslash\\", "\"quotes\" and \\\\backslash\\\\"),
                Arguments.of("`code` and ```fence```", "\\`code\\` and \\`\\`\\`fence\\`\\`\\`"),
                Arguments.of("a | b | c", "a \\| b \\| c"),
                Arguments.of("&lt;b&gt; &#60;", "\\&lt;b\\&gt; \\&\\#60;"),
                Arguments.of("costs $5 and $x^2$", "costs \\$5 and \\$x^2\\$"),
                Arguments.of("(see https://status.example/x)", "\\(see https\\://status.example/x\\)"),
                Arguments.of("see www.example.com or WWW.example.com", "see www\\.example.com or WWW\\.example.com"),
                Arguments.of("# heading", "\\# heading"),
                Arguments.of("> quote", "\\> quote"),
                Arguments.of("- item", "\\- item"),
                Arguments.of("+ item", "\\+ item"),
                Arguments.of("1. item", "1\\. item"),
                Arguments.of("2024) item", "2024\\) item"),
                Arguments.of("===", "\\==="),
                Arguments.of("---", "\\---"),
                Arguments.of("***", "\\*\\*\\*"),
                Arguments.of("    indented code", "indented code"),
                Arguments.of("on-call at 10.30, 2+2=4 & done!", "on-call at 10.30, 2+2=4 \\& done\\!"),
                Arguments.of("emoji 🔥🚒 🇳🇱 👩‍💻", "emoji 🔥🚒 🇳🇱 👩‍💻"),
                Arguments.of("RTL: انقطاع الخدمة / הפסקת שירות", "RTL: انقطاع الخدمة / הפסקת שירות"),
                Arguments.of("CJK: 障害対応 서비스 중단 服务中断", "CJK: 障害対応 서비스 중단 服务中断"),
                Arguments.of("x".repeat(10_000), "x".repeat(10_000)));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("hostileText")
    void hostileTextStaysLiteralText(String text, String expected) {
        assertThat(render(Paragraph.text(text))).isEqualTo(expected + "\n");
    }

    @Test
    void lineStartSyntaxIsEscapedOnEveryLine() {
        assertThat(render(Paragraph.text("intro\n- b\n1. c\n===\n# d")))
                .isEqualTo("intro\\\n\\- b\\\n1\\. c\\\n\\===\\\n\\# d\n");
    }

    @Test
    void lineStartSyntaxSplitAcrossInlinesIsStillEscaped() {
        assertThat(render(Paragraph.of(Inline.text("1"), Inline.text(". split"))))
                .isEqualTo("1\\. split\n");
        assertThat(render(Paragraph.of(Inline.text("  "), Inline.text("- split"))))
                .isEqualTo("\\- split\n");
    }

    @Test
    void multiLineParagraphUsesBackslashHardBreaks() {
        assertThat(render(Paragraph.text("one\r\ntwo\rthree\n\n  four  \n")))
                .isEqualTo("one\\\ntwo\\\nthree\\\nfour\n");
    }

    @Test
    void multiLineListItemStaysInsideItsItem() {
        BulletList list = new BulletList(List.of(
                Paragraph.text("a\n- not a new item"), Paragraph.empty(), Paragraph.text("# c")));

        assertThat(render(list)).isEqualTo("- a\\\n  \\- not a new item\n-\n- \\# c\n");
    }

    @Test
    void headingsUseOneHashPerLevelOnOneLine() {
        Document doc = new Document(List.of(
                new Heading(1, "One"), new Heading(6, "Six"), new Heading(3, "a\nb # c"), new Heading(2, "")));

        assertThat(MarkdownRenderer.render(doc)).isEqualTo("# One\n\n###### Six\n\n### a b \\# c\n\n##\n");
    }

    @Test
    void tableCellsEscapePipesAndFlattenNewlines() {
        Table table = new Table(List.of("A|B", "C\nD"),
                List.of(List.of(Paragraph.text("x | y\nz"), Paragraph.empty()),
                        List.of(Paragraph.text("- 1. <b>"), Paragraph.of(Inline.link("PD", "https://x.example/a|b")))));

        assertThat(render(table)).isEqualTo("""
                | A\\|B | C D |
                | --- | --- |
                | x \\| y z |  |
                | \\- 1. \\<b\\> | PD |
                """);
    }

    @Test
    void tableWithoutColumnsIsLeftOutAndHeaderOnlyTableKept() {
        Document doc = new Document(List.of(
                new Table(List.of(), List.of()), new Table(List.of("Only"), List.of())));

        assertThat(MarkdownRenderer.render(doc)).isEqualTo("| Only |\n| --- |\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "mailto:oncall@example.com",
            "ftp://files.example.com/x",
            "/incidents/PD42",
            "//evil.example/x",
            "https:///no-host",
            ""})
    void nonWebHrefsAreNotLinked(String href) {
        assertThat(render(Paragraph.of(Inline.link("the [runbook]", href)))).isEqualTo("the \\[runbook\\]\n");
    }

    @Test
    void webHrefsEncodeParenthesesSpacesAndEntities() {
        Paragraph paragraph = Paragraph.of(
                Inline.link("docs (v2) *new*", " https://example.com/a b_(c)?x=1&amp;y=2 "));

        assertThat(render(paragraph))
                .isEqualTo("[docs \\(v2\\) \\*new\\*](https://example.com/a%20b_%28c%29?x=1\\&amp;y=2)\n");
    }

    @Test
    void linkWithBlankTextShowsItsHref() {
        Paragraph paragraph = Paragraph.of(
                Inline.link(" ", "https://example.com/x_y"), Inline.text(" and "),
                Inline.link("", "javascript:alert(1)"));

        assertThat(render(paragraph))
                .isEqualTo("[https\\://example.com/x\\_y](https://example.com/x_y) and javascript:alert\\(1\\)\n");
    }

    @Test
    void exclamationBeforeLinkDoesNotMakeAnImage() {
        assertThat(render(Paragraph.of(Inline.text("Look!"), Inline.link("graph", "https://grafana.example/d/1"))))
                .isEqualTo("Look\\![graph](https://grafana.example/d/1)\n");
    }

    @Test
    void strongKeepsWhitespaceOutsideItsDelimiters() {
        Paragraph paragraph = Paragraph.of(
                Inline.strong("Owner: "), Inline.text("alice"), Inline.strong(" x "), Inline.strong("*y*"),
                Inline.strong("  "), Inline.text("end"));

        assertThat(render(paragraph)).isEqualTo("**Owner:** alice **x \\*y\\***  end\n");
    }

    @Test
    void strongThatMarkdownCouldNotCloseLosesOnlyItsBold() {
        assertThat(render(Paragraph.of(Inline.text("foo"), Inline.strong("(bar)"), Inline.text("baz"))))
                .isEqualTo("foo\\(bar\\)baz\n");
        assertThat(render(Paragraph.of(Inline.text("a"), Inline.strong("b"), Inline.text("c"))))
                .isEqualTo("a**b**c\n");
        assertThat(render(Paragraph.of(Inline.text("see:"), Inline.strong("(x)"))))
                .isEqualTo("see:**\\(x\\)**\n");
        assertThat(render(Paragraph.of(Inline.strong("[x]"), Inline.link("y", "https://e.example/"))))
                .isEqualTo("**\\[x\\]**[y](https://e.example/)\n");
    }

    @Test
    void controlCharactersAndLoneSurrogatesAreStripped() {
        assertThat(render(Paragraph.text("a\u0000b\u001Bc\u007Fd\uD800e\uDC00f\tg \uD83D\uDE00")))
                .isEqualTo("abcdef\tg \uD83D\uDE00\n");
    }

    @Test
    void blocksAreSeparatedByOneBlankLineAndFileEndsWithOneNewline() {
        Document doc = new Document(List.of(
                Paragraph.text("a\n\n\n"), Paragraph.empty(), new BulletList(List.of()), Paragraph.text("b")));

        assertThat(MarkdownRenderer.render(doc)).isEqualTo("a\n\nb\n");
        assertThat(MarkdownRenderer.render(new Document(List.of()))).isEqualTo("\n");
    }

    @Test
    void outputNeverContainsRawHtml() {
        Document doc = new Document(List.of(
                new Heading(1, "<h1>x</h1>"),
                Paragraph.of(Inline.text("<img src=x onerror=alert(1)>"), Inline.link("<b>", "https://e.example/<x>")),
                new Table(List.of("<br>"), List.of(List.of(Paragraph.text("a\nb"))))));

        assertThat(MarkdownRenderer.render(doc)).doesNotContainPattern("(?<!\\\\)<");
    }

    private static String render(Block block) {
        return MarkdownRenderer.render(new Document(List.of(block)));
    }
}
