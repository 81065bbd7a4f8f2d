package io.postmortembridge.postmortem.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.postmortembridge.testsupport.AdfSchema;

class AdfRendererTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void rendersValidAdfForEveryBlockKind() throws Exception {
        Document doc = new Document(List.of(
                new Heading(2, "Timeline"),
                Paragraph.of(Inline.strong("Service:"), Inline.text(" checkout "),
                        Inline.link("PD-42", "https://acme.pagerduty.com/incidents/PD42")),
                new BulletList(List.of(Paragraph.text("first"), Paragraph.text("second"))),
                new Table(List.of("Action", "Owner"),
                        List.of(List.of(Paragraph.text("Add alert"), Paragraph.of(Inline.strong("alice")))))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[
                  {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Timeline"}]},
                  {"type":"paragraph","content":[
                    {"type":"text","text":"Service:","marks":[{"type":"strong"}]},
                    {"type":"text","text":" checkout "},
                    {"type":"text","text":"PD-42","marks":[{"type":"link",
                        "attrs":{"href":"https://acme.pagerduty.com/incidents/PD42"}}]}]},
                  {"type":"bulletList","content":[
                    {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"first"}]}]},
                    {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"second"}]}]}]},
                  {"type":"table","attrs":{"isNumberColumnEnabled":false,"layout":"default"},"content":[
                    {"type":"tableRow","content":[
                      {"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Action"}]}]},
                      {"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Owner"}]}]}]},
                    {"type":"tableRow","content":[
                      {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"Add alert"}]}]},
                      {"type":"tableCell","content":[{"type":"paragraph","content":[
                        {"type":"text","text":"alice","marks":[{"type":"strong"}]}]}]}]}]}]}
                """);
    }

    @Test
    void everyHeadingLevelIsValid() throws Exception {
        for (int level = 1; level <= 6; level++) {
            ObjectNode adf = AdfRenderer.render(new Document(List.of(new Heading(level, "H"))));
            assertValid(adf);
            assertThat(adf.at("/content/0/attrs/level").asInt()).isEqualTo(level);
        }
    }

    @Test
    void emptyParagraphAndEmptyTableCellStayValid() throws Exception {
        Document doc = new Document(List.of(
                Paragraph.empty(),
                new Heading(1, ""),
                new BulletList(List.of(Paragraph.empty())),
                new Table(List.of(""), List.of(List.of(Paragraph.empty())))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[
                  {"type":"paragraph","content":[]},
                  {"type":"heading","attrs":{"level":1},"content":[]},
                  {"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[]}]}]},
                  {"type":"table","attrs":{"isNumberColumnEnabled":false,"layout":"default"},"content":[
                    {"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[]}]}]},
                    {"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[]}]}]}]}]}
                """);
    }

    @Test
    void blocksAdfCannotHoldEmptyAreLeftOut() throws Exception {
        Document doc = new Document(List.of(
                new BulletList(List.of()),
                new Table(List.of(), List.of())));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[]}
                """);
    }

    @Test
    void tableWithHeaderOnlyIsValid() throws Exception {
        ObjectNode adf = AdfRenderer.render(new Document(List.of(new Table(List.of("Action"), List.of()))));

        assertValid(adf);
        assertThat(adf.at("/content/0/content")).hasSize(1);
    }

    @Test
    void multiLineTextBecomesHardBreaks() throws Exception {
        Document doc = new Document(List.of(
                Paragraph.of(Inline.text("one\r\ntwo\rthree\n\nfour\n"), Inline.strong("bold\nstill bold"))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[{"type":"paragraph","content":[
                  {"type":"text","text":"one"},{"type":"hardBreak"},
                  {"type":"text","text":"two"},{"type":"hardBreak"},
                  {"type":"text","text":"three"},{"type":"hardBreak"},{"type":"hardBreak"},
                  {"type":"text","text":"four"},{"type":"hardBreak"},
                  {"type":"text","text":"bold","marks":[{"type":"strong"}]},{"type":"hardBreak"},
                  {"type":"text","text":"still bold","marks":[{"type":"strong"}]}]}]}
                """);
    }

    @Test
    void multiLineHeadingAndLinkTextBecomeHardBreaks() throws Exception {
        Document doc = new Document(List.of(
                new Heading(3, "a\nb"),
                Paragraph.of(Inline.link("x\ny", "https://example.com/"))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[
                  {"type":"heading","attrs":{"level":3},"content":[
                    {"type":"text","text":"a"},{"type":"hardBreak"},{"type":"text","text":"b"}]},
                  {"type":"paragraph","content":[
                    {"type":"text","text":"x","marks":[{"type":"link","attrs":{"href":"https://example.com/"}}]},
                    {"type":"hardBreak"},
                    {"type":"text","text":"y","marks":[{"type":"link","attrs":{"href":"https://example.com/"}}]}]}]}
                """);
    }

    static Stream<String> hostileText() {
        return Stream.of(
                "{code}rm -rf /{code}",
                "[~accountid:123] please look",
                "*bold* _em_ -strike- +under+ {{mono}} ^sup^ ~sub~",
                "<script>alert(1)</script>",
                "\"quotes\" and 'single' and \\backslashes\\ and \\\\double",
                "[x](javascript:alert(1)) ![img](https://evil.example/p.png) <https://x.example>",
                "# heading - item > quote",
                "emoji 🔥🚒 and flags 🇳🇱 and ZWJ 👩‍💻",
                "RTL: انقطاع الخدمة / הפסקת שירות",
                "CJK: 障害対応 서비스 중단 服务中断",
                "tab\tseparated",
                "x".repeat(10_000));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("hostileText")
    void hostileTextStaysLiteralText(String text) throws Exception {
        ObjectNode adf = AdfRenderer.render(new Document(List.of(Paragraph.text(text), new Heading(1, text))));

        assertValid(adf);
        JsonNode paragraph = adf.at("/content/0/content");
        assertThat(paragraph).hasSize(1);
        assertThat(paragraph.get(0).get("type").asText()).isEqualTo("text");
        assertThat(paragraph.get(0).get("text").asText()).isEqualTo(text);
        assertThat(paragraph.get(0).has("marks")).isFalse();
        assertThat(adf.at("/content/1/content/0/text").asText()).isEqualTo(text);
        // and it survives serialisation: what Jira receives parses back to the same text
        byte[] wire = MAPPER.writeValueAsBytes(adf);
        assertThat(MAPPER.readTree(new String(wire, StandardCharsets.UTF_8)).at("/content/0/content/0/text").asText())
                .isEqualTo(text);
    }

    @Test
    void controlCharactersAreStrippedButTabsAndNewlinesKept() throws Exception {
        Document doc = new Document(List.of(
                Paragraph.text("a\u0000b\u0007c\u001Bd\te\u007Ff\u0085g\u000Bh\u000Ci\nj"),
                Paragraph.text("\u0000\u0001\u001F")));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[
                  {"type":"paragraph","content":[
                    {"type":"text","text":"abcd\\tefghi"},{"type":"hardBreak"},{"type":"text","text":"j"}]},
                  {"type":"paragraph","content":[]}]}
                """);
    }

    @Test
    void loneSurrogatesAreDroppedAndPairsKept() throws Exception {
        Document doc = new Document(List.of(
                Paragraph.text("x\uD800y\uDC00z \uD83D\uDE00 \uDE00\uD83D end\uD83D"),
                Paragraph.text("\uD800")));

        ObjectNode adf = AdfRenderer.render(doc);

        assertValidAdf(adf, """
                {"version":1,"type":"doc","content":[
                  {"type":"paragraph","content":[{"type":"text","text":"xyz \uD83D\uDE00  end"}]},
                  {"type":"paragraph","content":[]}]}
                """);
        // Jackson writes non-BMP characters as escaped surrogate pairs by default; a lone half would read back as U+FFFD
        String wire = new String(MAPPER.writeValueAsBytes(adf), StandardCharsets.UTF_8);
        assertThat(MAPPER.readTree(wire).at("/content/0/content/0/text").asText()).isEqualTo("xyz 😀  end");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            "  javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u0000javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "mailto:oncall@example.com",
            "ftp://files.example.com/x",
            "file:///etc/passwd",
            "/incidents/PD42",
            "incidents/PD42",
            "//evil.example/x",
            "https:///no-host",
            "https:opaque",
            "http://exa mple.com:port/",
            "",
            "   "})
    void nonWebHrefsAreNotLinked(String href) throws Exception {
        ObjectNode adf = AdfRenderer.render(new Document(List.of(Paragraph.of(Inline.link("the runbook", href)))));

        assertValidAdf(adf, """
                {"version":1,"type":"doc","content":[{"type":"paragraph","content":[
                  {"type":"text","text":"the runbook"}]}]}
                """);
    }

    @Test
    void webHrefsAreLinkedInAsciiForm() throws Exception {
        Document doc = new Document(List.of(Paragraph.of(
                Inline.link("a", "  https://example.com/a b?q=(1)&r=2#frag "),
                Inline.link("b", "HTTP://Example.com:8080/path"),
                Inline.link("c", "https://example.com/café/\u202Egnp.exe"))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[{"type":"paragraph","content":[
                  {"type":"text","text":"a","marks":[{"type":"link","attrs":{"href":"https://example.com/a%20b?q=(1)&r=2#frag"}}]},
                  {"type":"text","text":"b","marks":[{"type":"link","attrs":{"href":"HTTP://Example.com:8080/path"}}]},
                  {"type":"text","text":"c","marks":[{"type":"link",
                      "attrs":{"href":"https://example.com/caf%C3%A9/%E2%80%AEgnp.exe"}}]}]}]}
                """);
    }

    @Test
    void linkWithBlankTextShowsItsHref() throws Exception {
        Document doc = new Document(List.of(Paragraph.of(
                Inline.link(" ", " https://example.com/x "),
                Inline.link("", "javascript:alert(1)"),
                Inline.link("", ""),
                Inline.link(null, null))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[{"type":"paragraph","content":[
                  {"type":"text","text":"https://example.com/x","marks":[{"type":"link","attrs":{"href":"https://example.com/x"}}]},
                  {"type":"text","text":"javascript:alert(1)"}]}]}
                """);
    }

    @Test
    void nullTextRendersAsNothing() throws Exception {
        Document doc = new Document(List.of(new Heading(1, null), Paragraph.of(new Inline.Text(null, true))));

        assertValidAdf(AdfRenderer.render(doc), """
                {"version":1,"type":"doc","content":[
                  {"type":"heading","attrs":{"level":1},"content":[]},
                  {"type":"paragraph","content":[]}]}
                """);
    }

    /** Guards the guard: the validator must reject what Jira rejects, or the other tests prove nothing. */
    @Test
    void schemaRejectsTheShapesTheRendererAvoids() throws Exception {
        assertThat(validate("""
                {"version":1,"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":""}]}]}
                """).isSuccess()).as("empty text node").isFalse();
        assertThat(validate("""
                {"version":1,"type":"doc","content":[{"type":"bulletList","content":[]}]}
                """).isSuccess()).as("empty bulletList").isFalse();
        assertThat(validate("""
                {"version":1,"type":"doc","content":[{"type":"table","content":[{"type":"tableRow","content":[
                  {"type":"tableCell","content":[]}]}]}]}
                """).isSuccess()).as("empty tableCell").isFalse();
        assertThat(validate("""
                {"version":1,"type":"doc","content":[{"type":"heading","attrs":{"level":7},"content":[]}]}
                """).isSuccess()).as("heading level 7").isFalse();
        assertThat(validate("""
                {"version":1,"type":"doc","content":[{"type":"paragraph","content":[]}]}
                """).isSuccess()).as("empty paragraph").isTrue();
    }

    private static void assertValidAdf(ObjectNode actual, String expectedJson) throws Exception {
        assertValid(actual);
        assertThat(actual).isEqualTo(MAPPER.readTree(expectedJson));
    }

    private static void assertValid(JsonNode adf) {
        AdfSchema.assertValid(adf);
    }

    private static ProcessingReport validate(String json) throws Exception {
        return AdfSchema.validate(MAPPER.readTree(json));
    }

    @Test
    void serialisedFieldOrderMatchesAtlassianExamples() throws Exception {
        String wire = MAPPER.writeValueAsString(AdfRenderer.render(new Document(List.of(Paragraph.text("x")))));

        assertThat(wire).isEqualTo(
                "{\"version\":1,\"type\":\"doc\",\"content\":[{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}]}");
    }
}
