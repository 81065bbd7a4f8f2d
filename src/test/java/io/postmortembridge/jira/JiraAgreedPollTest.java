package io.postmortembridge.jira;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.http.VendorCall;
import io.postmortembridge.http.VendorReply;
import io.postmortembridge.incidentlog.ActionLog;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.Outbox;
import io.postmortembridge.incidentlog.OutboxSettings;
import io.postmortembridge.testsupport.CapturedLogs;
import io.postmortembridge.testsupport.MutableClock;
import io.postmortembridge.testsupport.TestDatabases;

/** Where the poll for agreed post-mortems starts, and what a failed poll leaves for the next one. */
class JiraAgreedPollTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    private static final String ONE_ISSUE = "{\"issues\":[{\"id\":\"10001\",\"key\":\"PM-7\",\"fields\":{"
            + "\"updated\":\"2026-12-06T08:58:00.000+0000\",\"labels\":[\"actions-agreed\"]}}],\"isLast\":true}";

    private final MutableClock clock = new MutableClock(T0);
    private final List<VendorCall> calls = new ArrayList<>();
    private final List<VendorReply> replies = new ArrayList<>();
    private Database database;
    private ActionLog actions;
    private JiraAgreedPoll poll;

    @BeforeEach
    void openIncidentLog() {
        database = Database.open(TestDatabases.h2(), "sa", "");
        Outbox outbox = new Outbox(database, clock, new OutboxSettings(10, Duration.ofMinutes(1), Duration.ofSeconds(1),
                Duration.ofSeconds(10)), () -> { });
        actions = new ActionLog(database, outbox, clock);
        poll = new JiraAgreedPoll(call -> {
            calls.add(call);
            return replies.remove(0);
        }, actions, "PM", "actions-agreed", Duration.ofDays(1), JSON, clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void firstPollLooksBackTheLookbackAndLaterPollsStartWhereTheLastEnded() throws Exception {
        replies.add(new VendorReply(200, ONE_ISSUE, null));
        assertThat(poll.poll()).isEqualTo(1);
        assertThat(jql(0)).isEqualTo("project = \"PM\" AND labels = \"actions-agreed\" AND updated >= -1442m "
                + "ORDER BY updated ASC");

        clock.advance(Duration.ofMinutes(5));
        replies.add(new VendorReply(200, ONE_ISSUE, null));
        assertThat(poll.poll()).as("the same update again asks for nothing").isZero();
        assertThat(jql(1)).contains("updated >= -7m");
    }

    @Test
    void failedPollAdvancesNothingAndTheNextCoversItsWindow() throws Exception {
        replies.add(new VendorReply(200, "{\"issues\":[],\"isLast\":true}", null));
        poll.poll();
        clock.advance(Duration.ofMinutes(5));
        replies.add(new VendorReply(503, "", Duration.ofSeconds(30)));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(poll.poll()).isZero();
            assertThat(logs.text()).contains("WARN", "the next one covers this window too", "503");
        }

        clock.advance(Duration.ofMinutes(5));
        replies.add(new VendorReply(200, ONE_ISSUE, null));
        assertThat(poll.poll()).isEqualTo(1);
        assertThat(jql(2)).as("back to the last poll that worked, ten minutes ago").contains("updated >= -12m");
    }

    @Test
    void pagesAreFollowedToTheEnd() throws Exception {
        replies.add(new VendorReply(200, "{\"issues\":[],\"nextPageToken\":\"page-2\",\"isLast\":false}", null));
        replies.add(new VendorReply(200, ONE_ISSUE, null));

        assertThat(poll.poll()).isEqualTo(1);

        assertThat(calls).hasSize(2);
        assertThat(JSON.readTree(calls.get(1).body()).get("nextPageToken").asText()).isEqualTo("page-2");
    }

    private String jql(int call) throws Exception {
        JsonNode body = JSON.readTree(calls.get(call).body());
        return body.get("jql").asText();
    }
}
