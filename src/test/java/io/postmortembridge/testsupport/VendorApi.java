package io.postmortembridge.testsupport;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.OpenApiInteractionValidator.SpecSource;
import com.atlassian.oai.validator.interaction.request.CustomRequestValidator;
import com.atlassian.oai.validator.model.ApiOperation;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelLoader;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.util.OpenApiLoader;
import com.atlassian.oai.validator.whitelist.ValidationErrorsWhitelist;
import com.atlassian.oai.validator.whitelist.rule.WhitelistRule;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.Extension;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stand-in for a vendor's HTTP API (WireMock on a dynamic port) that checks every request it received
 * against the vendor's own OpenAPI spec(s) from {@code ../shared/refdata}.
 * <p>
 * Project rule: mocks of the vendors validate every request the service sends against the vendor's own spec;
 * a mock that accepts any request is a defect. So: stub responses with {@link #stubFor} / {@link #wireMock()} as
 * usual, then call {@link #assertEveryRequestMatchedTheSpec()}. It fails when a request was not matched by any stub,
 * or when it does not validate against at least one of the bound specs (path and method exist; path, query and
 * header parameters including required headers; the security requirements; the request body against its schema).
 * <pre>{@code
 * @RegisterExtension
 * static VendorApi jira = VendorApi.jira();   // started once, journal cleared before each test, asserted after each
 *
 * @Test
 * void createsThePostmortemIssue() {
 *     jira.stubFor(post("/rest/api/3/issue").willReturn(okJson("{\"id\":\"10000\",\"key\":\"PM-1\"}")));
 *     // point the service at jira.baseUrl(), run it ...
 *     jira.server().verify(1, postRequestedFor(urlEqualTo("/rest/api/3/issue")));
 * }   // afterEach: jira.assertEveryRequestMatchedTheSpec()
 * }</pre>
 * As a JUnit 5 extension (optional): registered on a static field it starts in beforeAll and stops in afterAll; on an
 * instance field it starts before and stops after each test. Either way the request journal (not the stubs) is cleared
 * before each test and {@link #assertEveryRequestMatchedTheSpec()} runs after each test. Without the extension, call
 * {@link #start()}, {@link #reset()}, {@link #assertEveryRequestMatchedTheSpec()} and {@link #stop()} yourself.
 * <p>
 * Each spec file is parsed once per JVM (parsing a 2.5 MB spec takes seconds) and shared by all instances.
 * <p>
 * Checks added on top of the library's validation (stricter, never more lenient):
 * <ul>
 * <li>Credentials. The validator library only checks operation-level {@code security}, ignores the top-level
 * {@code security} (all of PagerDuty's auth is declared there) and ignores OAuth2 schemes. Here the effective
 * requirements (operation-level, else top-level) are checked, OAuth2 means {@code Authorization: Bearer ...}, and the
 * anonymous alternative {@code {}} that Jira lists on most operations is not accepted: the service always
 * authenticates, a request without credentials is a bug even if Jira would answer it anonymously.</li>
 * <li>A request body needs a {@code Content-Type} header when the operation defines a request body (without one,
 * the library silently skips the body schema validation).</li>
 * <li>Unknown query parameters are errors (the library ignores them by default); path matching is strict (a
 * trailing slash is a different path).</li>
 * </ul>
 * Where a vendor spec is wrong, the narrowest possible correction is made and its reason written next to it:
 * {@link #ACCEPT_DECLARED_BY_THE_SPEC} (PagerDuty's versioning {@code Accept}), {@link #PROFILES} (Jira agile: basic
 * auth next to OAuth2, two query parameters typed as objects) and {@link DeepRefInliner} (JSON pointers that the spec
 * parser mis-resolves; this changes no rule).
 */
public final class VendorApi implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    public static final String JIRA_PLATFORM_SPEC = "jira/jira-platform-swagger-v3.v3.json";
    public static final String JIRA_AGILE_SPEC = "jira/jira-software-agile-swagger.v3.json";
    public static final String PAGERDUTY_REST_SPEC = "pagerduty/rest-openapiv3.json";

    /**
     * What this harness knows about a spec beyond its machine-readable part. Every entry is a decision about a
     * specific vendor file, written down where it is made.
     *
     * @param credentialFormats the form a credential must have, per security scheme name
     * @param alsoSatisfiedBy   per security scheme name, another scheme of the same spec that is accepted in its place
     * @param patches           corrections of the parsed model where the vendor spec is wrong
     */
    private record SpecProfile(Map<String, Pattern> credentialFormats, Map<String, String> alsoSatisfiedBy,
                               Consumer<OpenAPI> patches) {
    }

    private static final SpecProfile PLAIN = new SpecProfile(Map.of(), Map.of(), api -> { });

    private static final Map<String, SpecProfile> PROFILES = Map.of(
            // PagerDuty: scheme api_key is only "apiKey in header Authorization", but its description says
            // "format `Token token=<API_KEY>`", and components.parameters.header_Authorization says
            // "`Token token=<token>` or `Bearer <token>`". That parameter's own regex [A-Za-z0-9]+ is not used: no
            // operation references it, and it rejects real keys, which contain + - _ (the spec's own example
            // "Token token=super_secret_token_value" fails it).
            PAGERDUTY_REST_SPEC, new SpecProfile(
                    Map.of("api_key", Pattern.compile("^(Token token=\\S+|Bearer \\S+)$")), Map.of(), api -> { }),
            JIRA_AGILE_SPEC, new SpecProfile(
                    Map.of(),
                    // The agile spec defines the basicAuth scheme but lists only OAuth2 on its operations, while the
                    // platform spec of the same Jira Cloud site lists basicAuth next to OAuth2 on every operation, and
                    // Atlassian documents basic auth with an API token for the Jira Software Cloud REST API too.
                    // Without this, a Cloud basic-auth request (JIRA_EMAIL + JIRA_API_TOKEN) would fail on /rest/agile.
                    Map.of("OAuth2", "basicAuth"),
                    api -> {
                        // Two query parameters are typed {"type":"object","additionalProperties":false}, which a
                        // query string cannot carry: the validator tries to parse "active" as JSON and fails. Their
                        // descriptions give the real contract; the patch checks exactly that, no more, no less.
                        patchQueryParameter(api, "/rest/agile/1.0/board/{boardId}/sprint", PathItem.HttpMethod.GET, "state",
                                commaSeparated("future", "active", "closed"));
                        patchQueryParameter(api, "/rest/agile/1.0/board", PathItem.HttpMethod.GET, "type",
                                commaSeparated("scrum", "kanban", "simple"));
                    }));

    private static final Map<String, CompletableFuture<LoadedSpec>> SPECS = new ConcurrentHashMap<>();

    private final String name;
    private final List<String> specPaths;
    private final List<Extension> extensions = new ArrayList<>();
    private WireMockServer server;
    private boolean startedForOneTest;

    private VendorApi(String name, List<String> specPaths) {
        if (specPaths.isEmpty()) {
            throw new IllegalArgumentException("a vendor API needs at least one spec");
        }
        this.name = name;
        this.specPaths = List.copyOf(specPaths);
    }

    /** Jira Cloud: the platform REST v3 spec and the Jira Software (agile) spec, on one server. */
    public static VendorApi jira() {
        return new VendorApi("Jira", List.of(JIRA_PLATFORM_SPEC, JIRA_AGILE_SPEC));
    }

    /** PagerDuty REST API v2 (the OpenAPI 3 spec). */
    public static VendorApi pagerDuty() {
        return new VendorApi("PagerDuty", List.of(PAGERDUTY_REST_SPEC));
    }

    /**
     * Any vendor API described by one or more OpenAPI / Swagger files under refdata; a request is valid when it
     * validates against at least one of them.
     */
    public static VendorApi forSpecs(String name, String... refdataSpecPaths) {
        return new VendorApi(name, List.of(refdataSpecPaths));
    }

    /** Adds WireMock extensions (such as a stateful stand-in) to the server; call before it starts. Returns this. */
    public VendorApi with(Extension... added) {
        extensions.addAll(List.of(added));
        return this;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts WireMock on a free port and makes sure the specs are parsed (at most once per JVM; the
     * specs of one API are parsed in parallel). Returns this.
     */
    public synchronized VendorApi start() {
        List<CompletableFuture<LoadedSpec>> loading = specPaths.stream().map(VendorApi::loading).toList();
        if (server == null || !server.isRunning()) {
            server = new WireMockServer(wireMockConfig().dynamicPort().extensions(extensions.toArray(Extension[]::new)));
            server.start();
        }
        try {
            loading.forEach(VendorApi::await);
        } catch (RuntimeException e) {
            stop(); // a mock without its spec must not keep running (nor keep the JVM alive)
            throw e;
        }
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null && server.isRunning();
    }

    /** {@code http://localhost:PORT}, without a trailing slash: the value for e.g. {@code JIRA_BASE_URL}. */
    public String baseUrl() {
        return "http://localhost:" + port();
    }

    public int port() {
        return running().port();
    }

    /** The WireMock server, for stubbing and verifying ({@code server().verify(...)}). */
    public WireMockServer server() {
        return running();
    }

    /** A WireMock client bound to this server (for code that takes a {@link WireMock}). */
    public WireMock wireMock() {
        return new WireMock(running());
    }

    public StubMapping stubFor(MappingBuilder mapping) {
        return running().stubFor(mapping);
    }

    /** Removes all stubs and forgets all received requests. */
    public void reset() {
        running().resetAll();
    }

    /** Forgets all received requests, keeps the stubs. */
    public void resetRequests() {
        running().resetRequests();
    }

    /** The requests received since the last reset, oldest first. */
    public List<LoggedRequest> requests() {
        return serveEvents().stream().map(ServeEvent::getRequest).toList();
    }

    // ---------------------------------------------------------------- the check

    /**
     * Fails with an {@link AssertionError} listing, for each offending request, its method, URL and every
     * problem: not matched by any stub, or not valid against any of the bound specs.
     */
    public void assertEveryRequestMatchedTheSpec() {
        List<ServeEvent> events = serveEvents();
        List<String> failures = new ArrayList<>();
        for (ServeEvent event : events) {
            List<String> problems = problemsOf(event);
            if (!problems.isEmpty()) {
                LoggedRequest request = event.getRequest();
                StringBuilder text = new StringBuilder()
                        .append(failures.size() + 1).append(") ")
                        .append(request.getMethod().getName()).append(' ').append(request.getUrl());
                problems.forEach(p -> text.append("\n   - ").append(p.replace("\n", "\n     ")));
                failures.add(text.toString());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + events.size() + " request(s) to the " + name
                    + " mock break the vendor contract (specs: " + String.join(", ", specPaths) + "):\n"
                    + String.join("\n", failures));
        }
    }

    /** The problems of one received request; empty when it was stubbed and valid against at least one spec. */
    List<String> problemsOf(ServeEvent event) {
        List<String> problems = new ArrayList<>();
        if (!event.getWasMatched()) {
            problems.add("no stub matched this request (WireMock answered "
                    + (event.getResponse() == null ? "with its default" : String.valueOf(event.getResponse().getStatus())) + ")");
        }
        SimpleRequest request;
        try {
            request = toValidatorRequest(event.getRequest());
        } catch (IllegalArgumentException e) {
            problems.add("cannot be validated: " + e.getMessage());
            return problems;
        }
        Map<String, ValidationReport> reports = new LinkedHashMap<>();
        for (String spec : specPaths) {
            ValidationReport report = await(loading(spec)).validator.validateRequest(request);
            if (!report.hasErrors()) {
                return problems; // valid against this spec: the stub check alone decides
            }
            reports.put(spec, report);
        }
        // Report the specs that know the path; if none does, the path is simply not part of the API.
        Map<String, ValidationReport> knowingThePath = new LinkedHashMap<>();
        reports.forEach((spec, report) -> {
            if (errors(report).stream().anyMatch(m -> !"validation.request.path.missing".equals(m.getKey()))) {
                knowingThePath.put(spec, report);
            }
        });
        if (knowingThePath.isEmpty()) {
            problems.add("[validation.request.path.missing] no operation at " + request.getMethod() + " " + request.getPath()
                    + " in " + String.join(" or ", specPaths));
        } else {
            knowingThePath.forEach((spec, report) ->
                    errors(report).forEach(m -> problems.add(render(m, specPaths.size() > 1 ? spec + ": " : ""))));
        }
        return problems;
    }

    private List<ServeEvent> serveEvents() {
        List<ServeEvent> events = new ArrayList<>(running().getAllServeEvents());
        Collections.reverse(events); // WireMock lists the newest first
        return events;
    }

    private static List<ValidationReport.Message> errors(ValidationReport report) {
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR).toList();
    }

    private static String render(ValidationReport.Message message, String prefix) {
        StringBuilder text = new StringBuilder(prefix).append('[').append(message.getKey()).append("] ").append(message.getMessage());
        message.getAdditionalInfo().forEach(info -> text.append("\n  ").append(info));
        message.getNestedMessages().forEach(nested -> text.append("\n  ").append(render(nested, "").replace("\n", "\n  ")));
        return text.toString();
    }

    private synchronized WireMockServer running() {
        if (server == null || !server.isRunning()) {
            throw new IllegalStateException("the " + name + " mock is not running: call start() first (or register it with @RegisterExtension)");
        }
        return server;
    }

    /** The validator's view of a request WireMock received: method, raw path, decoded query parameters, headers, body. */
    static SimpleRequest toValidatorRequest(LoggedRequest logged) {
        Request.Method method;
        try {
            method = Request.Method.valueOf(logged.getMethod().getName().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported HTTP method " + logged.getMethod().getName());
        }
        String url = logged.getUrl();
        int queryStart = url.indexOf('?');
        String path = queryStart < 0 ? url : url.substring(0, queryStart);
        // query parameter names are case-sensitive for Jira and PagerDuty
        SimpleRequest.Builder builder = new SimpleRequest.Builder(method, path, true);
        if (queryStart >= 0) {
            parseQuery(url.substring(queryStart + 1)).forEach(builder::withQueryParam);
        }
        for (HttpHeader header : logged.getHeaders().all()) {
            builder.withHeader(header.key(), header.values());
        }
        byte[] body = logged.getBody();
        if (body != null && body.length > 0) {
            builder.withBody(body);
        }
        return builder.build();
    }

    private static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed percent-encoding in query string: " + encoded);
        }
    }

    // ---------------------------------------------------------------- JUnit 5 extension

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (this) {
            if (!isRunning()) {
                start();
                startedForOneTest = true;
            }
        }
        resetRequests();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            assertEveryRequestMatchedTheSpec();
        } finally {
            synchronized (this) {
                if (startedForOneTest) {
                    startedForOneTest = false;
                    stop();
                }
            }
        }
    }

    // ---------------------------------------------------------------- parsed specs, once per JVM

    private record LoadedSpec(OpenApiInteractionValidator validator, Duration parseTime) {
    }

    /** How long each spec parsed so far took to load (for the curious; the first test using a spec pays it). */
    public static Map<String, Duration> specParseTimes() {
        Map<String, Duration> times = new LinkedHashMap<>();
        SPECS.forEach((spec, future) -> {
            if (future.isDone() && !future.isCompletedExceptionally()) {
                times.put(spec, future.join().parseTime());
            }
        });
        return times;
    }

    private static CompletableFuture<LoadedSpec> loading(String refdataPath) {
        return SPECS.computeIfAbsent(refdataPath, spec -> {
            Path file = Refdata.path(spec); // fails fast, on the caller's thread, naming the expected location
            return CompletableFuture.supplyAsync(() -> load(spec, file), task -> {
                Thread thread = new Thread(task, "spec-loader-" + file.getFileName());
                thread.setDaemon(true);
                thread.start();
            });
        });
    }

    private static LoadedSpec await(CompletableFuture<LoadedSpec> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static LoadedSpec load(String spec, Path file) {
        long start = System.nanoTime();
        // the same parse options the validator's builder uses by default
        ParseOptions parseOptions = new ParseOptions();
        parseOptions.setResolve(true);
        parseOptions.setResolveFully(true);
        parseOptions.setResolveCombinators(false);
        SpecSource source;
        int inlined = 0;
        DeepRefInliner inliner = file.getFileName().toString().endsWith(".json") ? new DeepRefInliner(file) : null;
        if (inliner != null && inliner.isOpenApi3()) {
            source = SpecSource.inline(inliner.inlinedSpec());
            inlined = inliner.inlined;
        } else { // YAML, or Swagger 2 (converted by the parser, which needs to read it itself)
            source = SpecSource.specUrl(file.toUri().toString());
        }
        OpenAPI api = new OpenApiLoader().loadApi(source, List.of(), parseOptions);
        SpecProfile profile = PROFILES.getOrDefault(spec, PLAIN);
        profile.patches().accept(api);
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createFor(api)
                .withBasePathOverride(basePathOf(api))
                .withStrictOperationPathMatching()
                .withLevelResolver(STRICT_LEVELS)
                .withCustomRequestValidation(new CredentialsRule(api, profile))
                .withCustomRequestValidation(VendorApi::bodyNeedsContentType)
                .withWhitelist(ValidationErrorsWhitelist.create().withRule(
                        "Accept header is the value the operation's own Accept parameter declares", ACCEPT_DECLARED_BY_THE_SPEC))
                .build();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("[VendorApi] parsed " + spec + " in " + took.toMillis() + " ms"
                + (inlined > 0 ? " (" + inlined + " deep $refs inlined)" : ""));
        return new LoadedSpec(validator, took);
    }

    /**
     * Resolves, on the JSON of the spec, every {@code $ref} that swagger-parser cannot resolve correctly, by replacing
     * it with a copy of the JSON it points to: the same document, with the same meaning.
     * <ul>
     * <li>Deep JSON pointers such as {@code #/components/parameters/audit_method_type/schema},
     * {@code #/components/responses/Conflict/content/application~1json/schema} or
     * {@code #/components/schemas/Tag/allOf/0}: valid JSON References, used 200+ times by PagerDuty's spec.
     * swagger-parser 2.1.34 reports the first kind as errors (and the validator then refuses the spec), and its
     * {@code ResolverFully} resolves the others by their last segment only ({@code .../allOf/0} looks up a schema
     * named "0", {@code .../properties/id} is cached under "id" for every later {@code .../id}) or throws a
     * NullPointerException. Only {@code #/components/<type>/<name>} (and Swagger 2's {@code #/<type>/<name>}) are
     * left to the parser.</li>
     * <li>A response whose {@code $ref} points at a request body ({@code #/components/requestBodies/...}): a vendor
     * spec error in two PagerDuty event-orchestration responses; both objects have the same shape.</li>
     * </ul>
     * Nothing is removed or loosened; a pointer that does not resolve fails the load.
     */
    private static final class DeepRefInliner {

        private static final Pattern LEFT_TO_THE_PARSER =
                Pattern.compile("^#/(components/[^/]+|definitions|parameters|responses)/[^/]+$");

        private final JsonNode document;
        private final Path file;
        int inlined;

        DeepRefInliner(Path file) {
            this.file = file;
            try {
                this.document = new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read spec " + file, e);
            }
        }

        boolean isOpenApi3() {
            return document.path("openapi").asText("").startsWith("3.");
        }

        String inlinedSpec() {
            try {
                return new ObjectMapper().writeValueAsString(inline(document.deepCopy(), null, null, new ArrayDeque<>()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private JsonNode inline(JsonNode node, String key, String parentKey, Deque<String> following) {
            if (node instanceof ObjectNode object) {
                JsonNode ref = object.get("$ref");
                if (ref != null && ref.isTextual()) {
                    String pointer = ref.asText();
                    boolean deep = pointer.startsWith("#/") && !LEFT_TO_THE_PARSER.matcher(pointer).matches();
                    boolean responseToRequestBody = "responses".equals(parentKey) && pointer.startsWith("#/components/requestBodies/");
                    if (!deep && !responseToRequestBody) {
                        return object;
                    }
                    if (following.contains(pointer)) {
                        throw new IllegalStateException(file + ": circular $ref chain " + following + " -> " + pointer);
                    }
                    JsonNode target = document.at(JsonPointer.compile(pointer.substring(1)));
                    if (target.isMissingNode()) {
                        throw new IllegalStateException(file + ": $ref " + pointer + " points at nothing");
                    }
                    inlined++;
                    following.push(pointer);
                    JsonNode copy = inline(target.deepCopy(), key, parentKey, following);
                    following.pop();
                    return copy;
                }
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    object.set(name, inline(object.get(name), name, key, following));
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    array.set(i, inline(array.get(i), key, parentKey, following));
                }
            }
            return node;
        }
    }

    // ---------------------------------------------------------------- rules

    /**
     * Every message is an error, including {@code validation.request.parameter.query.unexpected}, which the library
     * ignores by default (a misspelt query parameter is silently ignored by the vendor: exactly the bug to catch).
     * Levels are not read from system properties or {@code swagger-validator.properties} files, so nothing outside
     * this class can loosen the check.
     */
    private static final LevelResolver STRICT_LEVELS = LevelResolver.create()
            .withLoader(new LevelLoader() {
                @Override
                public Map<String, ValidationReport.Level> loadLevels() {
                    return Map.of();
                }

                @Override
                public Optional<ValidationReport.Level> defaultLevel() {
                    return Optional.of(ValidationReport.Level.ERROR);
                }
            })
            .withDefaultLevel(ValidationReport.Level.ERROR)
            .withLevel("validation.request.parameter.query.unexpected", ValidationReport.Level.ERROR)
            .build();

    /**
     * The prefix under which the spec's paths are served, made explicit. Requests arrive at http://localhost:PORT/...,
     * the specs name https://api.pagerduty.com or https://your-domain.atlassian.net: scheme and host are never
     * compared (the library matches paths only), and the server URL's path, if any, is a prefix of every spec path.
     * Our specs' servers are bare hosts, so this is "/": {@code /rest/api/3/issue} is expected at
     * {@code http://localhost:PORT/rest/api/3/issue}. The same rule as the library's default, without relying on
     * {@code URI.getPath()} of a bare host being "".
     */
    static String basePathOf(OpenAPI api) {
        if (api.getServers() == null || api.getServers().isEmpty() || api.getServers().get(0).getUrl() == null) {
            return "/";
        }
        io.swagger.v3.oas.models.servers.Server server = api.getServers().get(0);
        String url = server.getUrl();
        if (server.getVariables() != null) {
            for (var variable : server.getVariables().entrySet()) {
                url = url.replace("{" + variable.getKey() + "}", Objects.toString(variable.getValue().getDefault(), ""));
            }
        }
        String path;
        try {
            path = java.net.URI.create(url).getPath();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the spec's server URL " + url + " is not a URI", e);
        }
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** Replaces the schema of a query parameter the vendor typed wrongly; fails if the spec no longer has that defect. */
    private static void patchQueryParameter(OpenAPI api, String path, PathItem.HttpMethod method, String name, Schema<?> documented) {
        PathItem item = api.getPaths() == null ? null : api.getPaths().get(path);
        Operation operation = item == null ? null : item.readOperationsMap().get(method);
        Parameter parameter = operation == null || operation.getParameters() == null ? null : operation.getParameters().stream()
                .filter(p -> "query".equals(p.getIn()) && name.equals(p.getName()))
                .findFirst().orElse(null);
        if (parameter == null || parameter.getSchema() == null || !"object".equals(parameter.getSchema().getType())) {
            throw new IllegalStateException("the spec changed: query parameter '" + name + "' of " + method + " " + path
                    + " is no longer an object-typed parameter; re-check the patch in VendorApi.PROFILES");
        }
        parameter.setSchema(documented);
    }

    /** A string of one or more of the values, comma-separated, e.g. {@code active} or {@code active,closed}. */
    private static Schema<String> commaSeparated(String... values) {
        String one = "(" + String.join("|", values) + ")";
        return new StringSchema().pattern("^" + one + "(," + one + ")*$");
    }

    /**
     * The one relaxation. The library checks {@code Accept} against the media types of the operation's responses.
     * PagerDuty's spec contradicts itself there: nearly every operation declares a required header parameter
     * {@code Accept} (the API versioning header) with default {@code application/vnd.pagerduty+json;version=2}, while
     * its responses only list {@code application/json}, so sending exactly what the spec asks for fails the check.
     * Only that rule ({@code validation.request.accept.notAllowed}) is relaxed, and only when every media range in
     * the request's {@code Accept} equals the default of the {@code Accept} parameter the matched operation itself
     * declares. Any other {@code Accept} value is still checked against the responses.
     */
    static final WhitelistRule ACCEPT_DECLARED_BY_THE_SPEC = (message, operation, request, response) -> {
        if (!"validation.request.accept.notAllowed".equals(message.getKey()) || operation == null || request == null) {
            return false;
        }
        List<Parameter> parameters = operation.getOperation().getParameters();
        if (parameters == null) {
            return false;
        }
        List<String> declared = parameters.stream()
                .filter(p -> "header".equalsIgnoreCase(p.getIn()) && "Accept".equalsIgnoreCase(p.getName()))
                .map(p -> p.getSchema() == null ? null : p.getSchema().getDefault())
                .filter(Objects::nonNull)
                .map(d -> normaliseMediaType(d.toString()))
                .toList();
        List<String> sent = request.getHeaderValues("Accept").stream()
                .flatMap(v -> List.of(v.split(",")).stream())
                .map(VendorApi::normaliseMediaType)
                .filter(v -> !v.isEmpty())
                .toList();
        return !declared.isEmpty() && !sent.isEmpty() && declared.containsAll(sent);
    };

    private static String normaliseMediaType(String value) {
        return value.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    }

    /**
     * Without a Content-Type the library cannot pick the body's schema and silently skips the body: a body sent to an
     * operation that defines one must say what it is.
     */
    private static ValidationReport bodyNeedsContentType(Request request, ApiOperation operation) {
        boolean hasBody = request.getRequestBody().map(b -> b.hasBody()).orElse(false);
        if (hasBody && operation.getOperation().getRequestBody() != null
                && request.getContentType().filter(c -> !c.isBlank()).isEmpty()) {
            return ValidationReport.singleton(ValidationReport.Message.create("validation.request.contentType.missing",
                    "Request has a body but no Content-Type header. Must be one of: "
                            + operation.getOperation().getRequestBody().getContent().keySet() + ".").build());
        }
        return ValidationReport.empty();
    }

    /**
     * The effective security requirements (operation-level, else top-level), OR between requirements and AND within
     * one, with credentials required: the anonymous alternative {@code {}} is not accepted.
     */
    private static final class CredentialsRule implements CustomRequestValidator {

        private final OpenAPI api;
        private final SpecProfile profile;

        CredentialsRule(OpenAPI api, SpecProfile profile) {
            this.api = api;
            this.profile = profile;
        }

        @Override
        public ValidationReport validate(Request request, ApiOperation operation) {
            List<SecurityRequirement> declared = operation.getOperation().getSecurity() != null
                    ? operation.getOperation().getSecurity()
                    : api.getSecurity();
            if (declared == null || declared.isEmpty()) {
                return ValidationReport.empty(); // the spec declares no security for this operation
            }
            List<SecurityRequirement> withCredentials = declared.stream().filter(r -> !r.isEmpty()).toList();
            if (withCredentials.isEmpty()) {
                return ValidationReport.empty(); // explicitly public operation
            }
            List<String> unmet = new ArrayList<>();
            for (SecurityRequirement requirement : withCredentials) {
                List<String> missing = requirement.keySet().stream().map(s -> unmet(s, request)).filter(Objects::nonNull).toList();
                if (missing.isEmpty()) {
                    return ValidationReport.empty();
                }
                unmet.add(String.join(" and ", missing));
            }
            return ValidationReport.singleton(ValidationReport.Message.create("validation.request.security.credentials",
                    request.getMethod() + " " + request.getPath() + " needs credentials; none of the spec's security"
                            + " requirements is met: " + String.join("; or ", unmet) + ".").build());
        }

        /** null when the scheme (or the scheme the profile accepts in its place) is satisfied, otherwise what is missing. */
        private String unmet(String schemeName, Request request) {
            String missing = unmetScheme(schemeName, request);
            String alternative = profile.alsoSatisfiedBy().get(schemeName);
            if (missing == null || alternative == null) {
                return missing;
            }
            String alternativeMissing = unmetScheme(alternative, request);
            return alternativeMissing == null ? null : missing + " or " + alternativeMissing;
        }

        private String unmetScheme(String schemeName, Request request) {
            SecurityScheme scheme = api.getComponents() == null || api.getComponents().getSecuritySchemes() == null
                    ? null : api.getComponents().getSecuritySchemes().get(schemeName);
            if (scheme == null || scheme.getType() == null) {
                return schemeName + " (not defined in the spec)";
            }
            String authorization = request.getHeaderValue("Authorization").orElse("");
            switch (scheme.getType()) {
                case APIKEY: {
                    String location = String.valueOf(scheme.getIn()).toLowerCase(Locale.ROOT);
                    Collection<String> values = switch (location) {
                        case "header" -> request.getHeaderValues(scheme.getName());
                        case "query" -> request.getQueryParameterValues(scheme.getName());
                        default -> request.getHeaderValues("Cookie").stream()
                                .filter(c -> c.contains(scheme.getName() + "=")).toList();
                    };
                    String value = values.stream().filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
                    if (value == null) {
                        return schemeName + " (API key in " + location + " '" + scheme.getName() + "')";
                    }
                    Pattern format = profile.credentialFormats().get(schemeName);
                    if (format != null && !format.matcher(value).matches()) {
                        return schemeName + " (" + location + " '" + scheme.getName() + "' present but not of the form " + format + ")";
                    }
                    return null;
                }
                case HTTP: {
                    String httpScheme = String.valueOf(scheme.getScheme());
                    if ("basic".equalsIgnoreCase(httpScheme)) {
                        return isBasic(authorization) ? null : schemeName + " (Authorization: Basic base64(user:token))";
                    }
                    if ("bearer".equalsIgnoreCase(httpScheme)) {
                        return isBearer(authorization) ? null : schemeName + " (Authorization: Bearer <token>)";
                    }
                    return authorization.regionMatches(true, 0, httpScheme + " ", 0, httpScheme.length() + 1)
                            ? null : schemeName + " (Authorization: " + httpScheme + " ...)";
                }
                case OAUTH2:
                case OPENIDCONNECT:
                    return isBearer(authorization) ? null : schemeName + " (Authorization: Bearer <access token>)";
                default:
                    return schemeName + " (" + scheme.getType() + " cannot be checked by this mock)";
            }
        }

        private static boolean isBearer(String authorization) {
            return authorization.regionMatches(true, 0, "Bearer ", 0, 7) && !authorization.substring(7).isBlank();
        }

        private static boolean isBasic(String authorization) {
            if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                return false;
            }
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon > 0 && colon < decoded.length() - 1;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
