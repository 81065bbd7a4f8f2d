package io.postmortembridge.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.postmortembridge.jira.JiraActionFixtures.authenticated;
import static io.postmortembridge.jira.JiraActionFixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postmortembridge.action.ActionRow.Owner;
import io.postmortembridge.failure.PermanentFailure;
import io.postmortembridge.failure.TransientFailure;
import io.postmortembridge.testsupport.HttpVendorClient;
import io.postmortembridge.testsupport.VendorApi;

/** Owner cells to Jira accounts, over HTTP against the spec-checking Jira stand-in. */
class JiraUsersTest {

    private static final String SEARCH = "/rest/api/3/user/search";
    private static final String MIA = "5b10a2844c20165700ede21g";

    @RegisterExtension
    static VendorApi jira = VendorApi.jira();

    private JiraUsers users;

    @BeforeEach
    void client() {
        jira.server().resetMappings();
        users = new JiraUsers(new HttpVendorClient(jira.baseUrl(), JiraActionFixtures.EMAIL, JiraActionFixtures.TOKEN),
                new ObjectMapper());
    }

    private static void searchAnswers(String query, String body) {
        jira.stubFor(authenticated(get(urlPathEqualTo(SEARCH)))
                .withQueryParam("query", equalTo(query))
                .withQueryParam("maxResults", equalTo("50"))
                .willReturn(okJson(body)));
    }

    @Test
    void mentionIsAlreadyAnAccountAndNeedsNoCall() {
        OwnerLookup found = users.resolve(new Owner.Mention(MIA, "@Mia Krystof"));

        assertThat(found).isEqualTo(new OwnerLookup.Found(MIA, "Mia Krystof"));
        assertThat(jira.requests()).isEmpty();
    }

    @Test
    void displayNameFindsTheOneActiveHumanAccountOfExactlyThatName() {
        // the answer also holds a longer name, an app account and a deactivated account named alike
        searchAnswers("Mia Krystof", fixture("users-mia.json"));

        assertThat(users.resolve(new Owner.Written("  Mia   Krystof ")))
                .isEqualTo(new OwnerLookup.Found(MIA, "Mia Krystof"));
    }

    @Test
    void nameIsComparedIgnoringCase() {
        searchAnswers("mia krystof", fixture("users-mia.json"));

        assertThat(users.resolve(new Owner.Written("mia krystof"))).isEqualTo(new OwnerLookup.Found(MIA, "Mia Krystof"));
    }

    @Test
    void handTypedMentionIsLookedUpByTheName() {
        searchAnswers("Mia Krystof", fixture("users-mia.json"));

        assertThat(users.resolve(new Owner.Written("@Mia Krystof"))).isEqualTo(new OwnerLookup.Found(MIA, "Mia Krystof"));
    }

    @Test
    void nameNobodyHasIsUnknown() {
        searchAnswers("TBD", "[]");

        assertThat(users.resolve(new Owner.Written("TBD"))).isEqualTo(new OwnerLookup.Unknown("TBD"));
    }

    @Test
    void namePrefixOfSomeoneElsesNameIsUnknownNotAGuess() {
        searchAnswers("Mia", fixture("users-mia.json"));

        assertThat(users.resolve(new Owner.Written("Mia"))).isEqualTo(new OwnerLookup.Unknown("Mia"));
    }

    @Test
    void twoPeopleOfOneNameAreAmbiguousWithBothNamesAsCandidates() {
        searchAnswers("Alex Chen", fixture("users-two-alex.json"));

        assertThat(users.resolve(new Owner.Written("Alex Chen")))
                .isEqualTo(new OwnerLookup.Ambiguous("Alex Chen", List.of("Alex Chen", "alex  chen")));
    }

    @Test
    void ambiguousNamesAtMostFiveCandidates() {
        String seven = IntStream.rangeClosed(1, 7).mapToObj(i -> "{\"accountId\":\"5b10a2844c2016570000000" + i
                + "\",\"accountType\":\"atlassian\",\"displayName\":\"Jo Smith\",\"active\":true}")
                .collect(Collectors.joining(",", "[", "]"));
        searchAnswers("Jo Smith", seven);

        OwnerLookup lookup = users.resolve(new Owner.Written("Jo Smith"));

        assertThat(lookup).isInstanceOf(OwnerLookup.Ambiguous.class);
        assertThat(((OwnerLookup.Ambiguous) lookup).candidates()).hasSize(5);
    }

    @Test
    void emailMatchesTheVisibleAddressIgnoringCase() {
        searchAnswers("MIA@example.com", fixture("users-mia.json"));

        assertThat(users.resolve(new Owner.Written("MIA@example.com")))
                .isEqualTo(new OwnerLookup.Found(MIA, "Mia Krystof"));
    }

    @Test
    void emailFindingExactlyOnePersonWhoseAddressIsHiddenFoundThatPerson() {
        searchAnswers("sam.okafor@example.com", fixture("users-hidden-email.json"));

        assertThat(users.resolve(new Owner.Written("sam.okafor@example.com")))
                .isEqualTo(new OwnerLookup.Found("712020:5f6a8e3c-1b2d-4c3e-9f8a-7b6c5d4e3f2a", "Sam Okafor"));
    }

    @Test
    void emailOfNoOneIsUnknown() {
        searchAnswers("nobody@example.com", "[]");

        assertThat(users.resolve(new Owner.Written("nobody@example.com")))
                .isEqualTo(new OwnerLookup.Unknown("nobody@example.com"));
    }

    @Test
    void severalMentionsAreAmbiguousAndAnEmptyCellUnknownWithoutACall() {
        assertThat(users.resolve(new Owner.Several(List.of("@Mia Krystof", "@Alex Chen"))))
                .isEqualTo(new OwnerLookup.Ambiguous("@Mia Krystof, @Alex Chen", List.of("Mia Krystof", "Alex Chen")));
        assertThat(users.resolve(new Owner.Missing())).isEqualTo(new OwnerLookup.Unknown(""));
        assertThat(jira.requests()).isEmpty();
    }

    @Test
    void onePushLooksEachDistinctTextUpOnce() {
        searchAnswers("Mia Krystof", fixture("users-mia.json"));
        searchAnswers("TBD", "[]");

        List<OwnerLookup> found = users.resolveAll(List.of(new Owner.Written("Mia Krystof"),
                new Owner.Written("TBD"), new Owner.Written(" mia  krystof "), new Owner.Mention(MIA, "@Mia Krystof"),
                new Owner.Written("Mia Krystof"), new Owner.Written("tbd")));

        assertThat(found).containsExactly(new OwnerLookup.Found(MIA, "Mia Krystof"), new OwnerLookup.Unknown("TBD"),
                new OwnerLookup.Found(MIA, "Mia Krystof"), new OwnerLookup.Found(MIA, "Mia Krystof"),
                new OwnerLookup.Found(MIA, "Mia Krystof"), new OwnerLookup.Unknown("tbd"));
        jira.server().verify(2, getRequestedFor(urlPathEqualTo(SEARCH)));
    }

    @Test
    void rateLimitedSearchIsTransientAndCarriesRetryAfter() {
        jira.stubFor(authenticated(get(urlPathEqualTo(SEARCH)))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

        assertThatThrownBy(() -> users.resolve(new Owner.Written("Mia Krystof")))
                .isInstanceOfSatisfying(TransientFailure.class,
                        f -> assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void serverErrorIsTransient() {
        jira.stubFor(authenticated(get(urlPathEqualTo(SEARCH))).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> users.resolve(new Owner.Written("Mia Krystof"))).isInstanceOf(TransientFailure.class)
                .hasMessageContaining("503");
    }

    @Test
    void forbiddenSearchSaysWhichPermissionTheAccountNeeds() {
        jira.stubFor(authenticated(get(urlPathEqualTo(SEARCH))).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errorMessages\":[\"You do not have permission to perform this action.\"],\"errors\":{}}")));

        assertThatThrownBy(() -> users.resolve(new Owner.Written("Mia Krystof"))).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("the account behind JIRA_EMAIL needs the Browse users and groups global permission")
                .hasMessageContaining("You do not have permission");
    }

    @Test
    void refusedCredentialsSayWhichSettingsToCheck() {
        jira.stubFor(authenticated(get(urlPathEqualTo(SEARCH))).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> users.resolve(new Owner.Written("Mia Krystof"))).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("JIRA_EMAIL and JIRA_API_TOKEN");
    }
}
