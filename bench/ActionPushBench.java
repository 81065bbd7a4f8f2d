import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.postmortembridge.incident.Source;
import io.postmortembridge.incidentlog.PostmortemStatus;
import io.postmortembridge.testsupport.ExampleIncident;
import io.postmortembridge.testsupport.FacilitatorEdit;
import io.postmortembridge.testsupport.JiraActionsStandIn;
import io.postmortembridge.testsupport.JiraTeams;
import io.postmortembridge.testsupport.RunningBridge;
import io.postmortembridge.testsupport.Signed;
import io.postmortembridge.testsupport.VendorApi;

/**
 * Jira calls and wall time of one action push, for 1, 3 and 50 agreed actions, against a Jira
 * stand-in that answers every call in a fixed time (150 ms by default) and checks each request against
 * Jira's spec. The service runs in this JVM (the real routes, an H2 file of its own per run); the
 * push is timed from the Jira webhook's answer to the outcome comment on the post-mortem issue.
 * Owners are given both ways: as mentions (no look-up) and as display names (one look-up each).
 *
 * The floor beside each figure is what the calls cost if nothing but Jira's answer time counted, as they
 * are made one after another: (calls − 1) × latency, since the wall time ends when the last call, the
 * comment, reaches Jira. Board and sprint look-ups are cached (60 s) from the check of the teams
 * file at start, so they are not among the push's calls here. Run with bench/action-push.sh.
 */
public class ActionPushBench {

    private static final String EMAIL = "bench@example.com";
    private static final String TOKEN = "bench-token";
    private static final String JIRA_SECRET = "bench-jira-secret";
    private static final String PD_SECRET = "bench-pd-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int latency = Integer.parseInt(System.getProperty("latency", "150"));
        int runs = Integer.parseInt(System.getProperty("runs", "3"));
        List<Integer> sizes = List.of(1, 3, 50);
        JiraActionsStandIn issues = new JiraActionsStandIn();
        VendorApi jira = VendorApi.jira().with(issues).start();
        System.out.printf("Jira stand-in answers every call in %d ms; %d run(s) per size; owners as mentions, then as names%n%n",
                latency, runs);
        System.out.println("| actions | owners | run | Jira calls during the push | by call | wall ms | floor ms | wall ÷ floor |");
        System.out.println("|---:|---|---:|---:|---|---:|---:|---:|");
        for (String owners : List.of("mentions", "names")) {
            for (int size : sizes) {
                for (int run = 1; run <= runs; run++) {
                    measure(jira, issues, latency, size, owners, run);
                }
            }
        }
        jira.assertEveryRequestMatchedTheSpec();
        jira.stop();
    }

    private static void measure(VendorApi jira, JiraActionsStandIn issues, int latency, int size, String owners, int run)
            throws Exception {
        issues.clear();
        jira.server().resetMappings();
        jira.resetRequests();
        stub(jira, latency);
        Map<String, String> properties = RunningBridge.defaults(RunningBridge.workDir("action-push-bench"));
        properties.put("pagerduty.webhook-secret", PD_SECRET);
        properties.put("jira.base-url", jira.baseUrl());
        properties.put("jira.email", EMAIL);
        properties.put("jira.api-token", TOKEN);
        properties.put("jira.webhook-secret", JIRA_SECRET);
        properties.put("actions.teams-file", "src/test/resources/actions/teams.yaml");
        properties.put("actions.poll-schedule", "");
        properties.put("actions.max-per-postmortem", "50");
        properties.put("camel.component.http.response-timeout", "10000");
        // the look for a duplicate post-mortem issue comes twice this long after publishing: after the push
        properties.put("jira.search-settle", "PT5M");
        try (RunningBridge bridge = RunningBridge.start(properties)) {
            for (ExampleIncident.Delivery delivery : ExampleIncident.deliveries()) {
                bridge.post("/webhooks/pagerduty", delivery.body(), "Content-Type", "application/json",
                        "X-PagerDuty-Signature", Signed.pagerDuty(PD_SECRET, delivery.body()), "X-Webhook-Id", delivery.name());
            }
            await(() -> !requests(jira, "/rest/api/3/issue").isEmpty(), Duration.ofSeconds(30));
            JsonNode created = JSON.readTree(requests(jira, "/rest/api/3/issue").get(0).getBodyAsString()).at("/fields/description");
            List<ObjectNode> rows = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ObjectNode owner = owners.equals("mentions") ? FacilitatorEdit.mention("5b10ac8d82e05b22cc7d4ef5", "Ann Lee")
                        : FacilitatorEdit.text("Owner " + i);
                rows.add(FacilitatorEdit.row("Add an alert when checkout-api shard " + i + " returns more than 1% 5xx for 5 minutes",
                        owner, FacilitatorEdit.date(LocalDate.now(ZoneOffset.UTC).plusDays(14))));
            }
            ObjectNode doc = FacilitatorEdit.filled(created, "Connection pool exhausted by retries without backoff.",
                    rows.toArray(ObjectNode[]::new));
            jira.stubFor(auth(get(urlPathEqualTo("/rest/api/3/issue/PM-1"))).willReturn(ok(latency,
                    FacilitatorEdit.issue("PM-1", doc, List.of("postmortem", "actions-agreed")))));
            // the draft is published: from here on, the push's calls only
            await(() -> bridge.incidentLog().incident(Source.PAGERDUTY, ExampleIncident.ID)
                    .flatMap(i -> bridge.incidentLog().postmortemOfIncident(i.id()))
                    .map(p -> p.status() == PostmortemStatus.PUBLISHED).orElse(false), Duration.ofSeconds(30));
            byte[] webhook = webhook();
            Instant started = Instant.now();
            long start = System.nanoTime();
            int status = bridge.post("/webhooks/jira", webhook, "Content-Type", "application/json",
                    "X-Hub-Signature", "sha256=" + hmac(webhook)).statusCode();
            if (status != 202) {
                throw new IllegalStateException("the Jira webhook was answered " + status);
            }
            await(() -> !requests(jira, "/rest/api/3/issue/PM-1/comment").isEmpty(), Duration.ofSeconds(120));
            long wallMs = (System.nanoTime() - start) / 1_000_000;
            List<LoggedRequest> push = jira.server().findAll(anyRequestedFor(anyUrl())).stream()
                    .filter(r -> !r.getLoggedDate().toInstant().isBefore(started)).toList();
            Map<String, Integer> byCall = new TreeMap<>();
            for (LoggedRequest r : push) {
                String path = r.getUrl().replaceAll("\\?.*", "").replaceAll("(?<!/api)/[0-9]+(/|$)", "/{id}$1")
                        .replaceAll("/[A-Z]+-[0-9]+", "/{key}");
                byCall.merge(r.getMethod() + " " + path, 1, Integer::sum);
            }
            if (issues.issues().size() != size) {
                throw new IllegalStateException("expected " + size + " issues, the stand-in holds " + issues.issues().size());
            }
            // timed until the comment arrives at Jira: every call before it was answered, the comment not yet
            long floor = (long) (push.size() - 1) * latency;
            System.out.printf("| %d | %s | %d | %d | %s | %d | %d | %.2f× |%n", size, owners, run, push.size(),
                    byCall.toString().replace("|", "/"), wallMs, floor, (double) wallMs / floor);
        }
    }

    private static void stub(VendorApi jira, int latency) {
        JiraTeams.everyProjectExistsWithoutABoard(jira, EMAIL, TOKEN);
        jira.stubFor(auth(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels in (")))
                .willReturn(aResponse().withTransformers(JiraActionsStandIn.NAME).withFixedDelay(latency)));
        jira.stubFor(auth(post(urlEqualTo("/rest/api/3/search/jql")))
                .withRequestBody(matchingJsonPath("$.jql", containing("labels = \"postmortem-bridge-pagerduty")))
                .willReturn(ok(latency, "{\"issues\":[],\"isLast\":true}")));
        jira.stubFor(auth(post(urlEqualTo("/rest/api/3/issue"))).willReturn(aResponse().withStatus(201).withFixedDelay(latency)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"10001\",\"key\":\"PM-1\",\"self\":\"http://jira/rest/api/3/issue/10001\"}")));
        jira.stubFor(auth(post(urlEqualTo("/rest/api/3/issue/bulk")))
                .willReturn(aResponse().withTransformers(JiraActionsStandIn.NAME).withFixedDelay(latency)));
        jira.stubFor(auth(get(urlPathEqualTo("/rest/agile/1.0/board"))).withQueryParam("projectKeyOrId", equalTo("PAY"))
                .willReturn(ok(latency, JiraTeams.resource("jira/actions/boards-pay-one-scrum.json"))));
        jira.stubFor(auth(get(urlPathEqualTo("/rest/agile/1.0/board/31")))
                .willReturn(ok(latency, JiraTeams.resource("jira/actions/board-31-kanban.json"))));
        jira.stubFor(auth(get(urlPathEqualTo("/rest/agile/1.0/board/12/sprint")))
                .willReturn(ok(latency, JiraTeams.resource("jira/actions/sprints-active.json"))));
        jira.stubFor(auth(post(urlPathMatching("/rest/agile/1.0/sprint/[0-9]+/issue")))
                .willReturn(aResponse().withStatus(204).withFixedDelay(latency)));
        jira.stubFor(auth(get(urlPathEqualTo("/rest/api/3/user/search"))).willReturn(aResponse().withFixedDelay(latency)
                .withHeader("Content-Type", "application/json")
                .withTransformers("response-template")
                .withBody("[{\"accountId\":\"acc-{{request.query.query}}\",\"accountType\":\"atlassian\","
                        + "\"displayName\":\"{{request.query.query}}\",\"active\":true}]")));
        jira.stubFor(auth(post(urlEqualTo("/rest/api/3/issue/PM-1/comment"))).willReturn(aResponse().withStatus(201)
                .withFixedDelay(latency).withHeader("Content-Type", "application/json").withBody("{\"id\":\"10500\"}")));
    }

    private static ResponseDefinitionBuilder ok(int latency, String body) {
        return aResponse().withStatus(200).withFixedDelay(latency).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static MappingBuilder auth(MappingBuilder stub) {
        return stub.withBasicAuth(EMAIL, TOKEN);
    }

    private static List<LoggedRequest> requests(VendorApi jira, String path) {
        return jira.server().findAll(anyRequestedFor(urlPathEqualTo(path)));
    }

    private static byte[] webhook() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("timestamp", System.currentTimeMillis()).put("webhookEvent", "jira:issue_updated");
        ObjectNode issue = body.putObject("issue").put("key", "PM-1");
        ObjectNode fields = issue.putObject("fields");
        fields.putObject("project").put("key", "PM");
        fields.putArray("labels").add("postmortem").add("actions-agreed");
        fields.put("updated", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC)
                .format(Instant.now()));
        return JSON.writeValueAsBytes(body);
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(JIRA_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }
}
