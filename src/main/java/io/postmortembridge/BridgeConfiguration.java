package io.postmortembridge;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.http.common.HttpHeaderFilterStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.postmortembridge.action.ActionSettings;
import io.postmortembridge.action.Teams;
import io.postmortembridge.api.ActionApi;
import io.postmortembridge.api.ApiAccess;
import io.postmortembridge.http.CamelVendorHttp;
import io.postmortembridge.incident.pagerduty.PagerDutyEnricher;
import io.postmortembridge.incident.pagerduty.PagerDutySignature;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhook;
import io.postmortembridge.incident.pagerduty.PagerDutyWebhookParser;
import io.postmortembridge.incidentlog.ActionLog;
import io.postmortembridge.incidentlog.Backlog;
import io.postmortembridge.incidentlog.Database;
import io.postmortembridge.incidentlog.Inbox;
import io.postmortembridge.incidentlog.IncidentIntake;
import io.postmortembridge.incidentlog.IncidentLog;
import io.postmortembridge.incidentlog.Outbox;
import io.postmortembridge.incidentlog.Retention;
import io.postmortembridge.incidentlog.WebhookIntake;
import io.postmortembridge.jira.DryRunPostmortemPublisher;
import io.postmortembridge.jira.JiraActionPush;
import io.postmortembridge.jira.JiraAgreedPoll;
import io.postmortembridge.jira.JiraDuplicateSweep;
import io.postmortembridge.jira.JiraPostmortemPublisher;
import io.postmortembridge.jira.JiraRequests;
import io.postmortembridge.jira.JiraSprints;
import io.postmortembridge.jira.JiraTeamsCheck;
import io.postmortembridge.jira.JiraUsers;
import io.postmortembridge.jira.JiraWebhook;
import io.postmortembridge.jira.JiraWebhookSignature;
import io.postmortembridge.postmortem.Postmortems;

/**
 * Binds the beans the routes in {@code routes/} call, from {@code config/application.properties}
 * and the environment. Everything the routes name by {@code ref} is bound here.
 */
public final class BridgeConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeConfiguration.class);
    /**
     * How long a wake of the intake or the outbox waits for more work: deliveries stored within it are
     * read in one transaction (at 500 a second, ten at a time instead of one), and a resolved incident
     * is still drafted within tens of milliseconds.
     */
    private static final Duration WAKE_LINGER = Duration.ofMillis(20);
    /** How often a database that could not be reached at start is tried again. */
    private static final Duration RECONNECT_EVERY = Duration.ofSeconds(1);

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = Settings.read(key -> camel.getPropertiesComponent().resolveProperty(key).orElse(""));
        Clock clock = Clock.systemUTC();
        ObjectMapper json = new ObjectMapper();

        MeterRegistry meters = meterRegistry(camel);

        Database database = Database.connect(settings.databaseUrl(), settings.databaseUser(),
                settings.databasePassword(), settings.databaseConnectionTimeout());
        WakeableScheduler outboxSchedule = new WakeableScheduler(WAKE_LINGER);
        WakeableScheduler intakeSchedule = new WakeableScheduler(WAKE_LINGER);
        Outbox outbox = new Outbox(database, clock, settings.outbox(), outboxSchedule::wake);
        IncidentLog incidentLog = new IncidentLog(database.jdbi(), outbox, clock, meters);
        Inbox inbox = new Inbox(database, clock);
        PagerDutyWebhookParser pagerDutyParser = new PagerDutyWebhookParser(json);

        ProducerTemplate producer = camel.createProducerTemplate();
        Registry registry = camel.getRegistry();
        HealthCheckRegistry.get(camel).register(new IncidentLogHealthCheck(database));
        registry.bind("outbox", outbox);
        registry.bind("outboxSchedule", outboxSchedule);
        registry.bind("incidentIntake", new IncidentIntake(database, inbox, incidentLog, List.of(pagerDutyParser),
                clock, intakeSchedule::wake));
        registry.bind("incidentIntakeSchedule", intakeSchedule);
        WebhookIntake webhookIntake = new WebhookIntake(inbox, database, clock, meters);
        registry.bind("pagerDutyWebhook", new PagerDutyWebhook(
                settings.pagerDutySecrets().isEmpty() ? null : new PagerDutySignature(settings.pagerDutySecrets()),
                pagerDutyParser, webhookIntake));
        registry.bind("pagerDutyHeaders", pagerDutyHeaders());
        registry.bind("pagerDutyEnricher", new PagerDutyEnricher(
                settings.pagerDutyApiToken().isEmpty() ? null
                        : new CamelVendorHttp(producer, "direct:pagerduty-api", "PagerDuty", clock, meters),
                incidentLog, json));
        registry.bind("retention", new Retention(database.jdbi(), clock, settings.retention()));
        registry.bind("postmortems", new Postmortems(incidentLog, settings.drafts()));
        ActionLog actionLog = new ActionLog(database, outbox, clock);
        Teams teams = Teams.load(settings.teamsFile());
        ActionSettings actions = settings.actions();
        registry.bind("jiraWebhook", new JiraWebhook(
                settings.jiraWebhookSecrets().isEmpty() ? null : new JiraWebhookSignature(settings.jiraWebhookSecrets()),
                actionLog, database, settings.jira(), actions.agreedLabel(), json, webhookIntake));
        ApiAccess apiAccess = new ApiAccess(settings.apiToken(), !settings.jira().dryRun());
        if (settings.jira().dryRun()) {
            registry.bind("postmortemPublisher", new DryRunPostmortemPublisher(Path.of(settings.dryRunDirectory()),
                    new JiraRequests(settings.jira(), json), incidentLog, json));
            registry.bind("actionApi", new ActionApi(apiAccess, actions, teams, null, incidentLog, actionLog, database,
                    json, clock));
        } else {
            CamelVendorHttp jira = new CamelVendorHttp(producer, "direct:jira-api", "Jira", clock, meters);
            registry.bind("postmortemPublisher",
                    new JiraPostmortemPublisher(jira, settings.jira(), incidentLog, json, clock));
            registry.bind("jiraDuplicateSweep", new JiraDuplicateSweep(jira, settings.jira(), incidentLog, json));
            JiraSprints sprints = new JiraSprints(jira, json, clock);
            camel.addStartupListener(new JiraTeamsCheck(teams, sprints, actions.sprint()));
            registry.bind("actionPush", new JiraActionPush(jira, settings.jira(), actions, teams, sprints, incidentLog,
                    actionLog, json, clock));
            registry.bind("jiraAgreedPoll", new JiraAgreedPoll(jira, actionLog, settings.jira().project(),
                    actions.agreedLabel(), settings.actionsPollLookback(), json, clock));
            registry.bind("actionApi", new ActionApi(apiAccess, actions, teams, new JiraUsers(jira, json), incidentLog,
                    actionLog, database, json, clock));
        }

        camel.addService(new IncidentLogLifecycle(camel, database, outbox, settings.outbox().lease()));
        registerBacklogGauges(meters, inbox, outbox);
        logModes(settings);
    }

    /**
     * The incident log's database, from start to stop. The service starts whether or not the
     * database answers: until the schema is migrated it is not ready, webhooks are answered 503,
     * and the connection is tried again every second. Leases of running tasks are renewed meanwhile.
     */
    private static final class IncidentLogLifecycle extends ServiceSupport {

        private final CamelContext camel;
        private final Database database;
        private final Outbox outbox;
        private final Duration lease;
        private ScheduledExecutorService executor;

        IncidentLogLifecycle(CamelContext camel, Database database, Outbox outbox, Duration lease) {
            this.camel = camel;
            this.database = database;
            this.outbox = outbox;
            this.lease = lease;
        }

        @Override
        protected void doStart() {
            executor = camel.getExecutorServiceManager().newScheduledThreadPool(this, "incident-log", 1);
            long renewEvery = Math.max(1, lease.toMillis() / 3);
            executor.scheduleWithFixedDelay(outbox::renewLeases, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
            if (!migrated()) {
                LOG.warn("The incident log database cannot be used yet ({}): not ready, webhooks are answered 503 "
                        + "until it can; trying again every {} s", database.problem(), RECONNECT_EVERY.toSeconds());
                executor.schedule(this::retry, RECONNECT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private void retry() {
            if (migrated()) {
                LOG.info("The incident log database is connected and up to date: ready");
                outbox.wake();
            } else if (isRunAllowed()) {
                executor.schedule(this::retry, RECONNECT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        /** Migrates; once done, gives work parked on an error before this start one more try. */
        private boolean migrated() {
            if (!database.migrate()) {
                return false;
            }
            int retried = outbox.retryParked();
            if (retried > 0) {
                LOG.info("Retrying {} task(s) that had stopped on an error before this start", retried);
            }
            return true;
        }

        @Override
        protected void doStop() {
            camel.getExecutorServiceManager().shutdownNow(executor);
            database.close();
        }
    }

    /**
     * The registry Camel's Prometheus support serves on /observe/metrics, so the service's meters are
     * served with Camel's: the one it bound already, or one it will find under its name and use.
     */
    private static MeterRegistry meterRegistry(CamelContext camel) {
        MeterRegistry bound = camel.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (bound != null) {
            return bound;
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        return meters;
    }

    /**
     * The inbox's and the outbox's backlogs: work waiting, and work stopped on an error someone must
     * fix (the numbers to alert on). One query per queue per scrape; unknown (NaN) while the database
     * cannot be reached.
     */
    private static void registerBacklogGauges(MeterRegistry meters, Inbox inbox, Outbox outbox) {
        Recent<Backlog> inboxBacklog = new Recent<>(inbox::backlog);
        Recent<Backlog> outboxBacklog = new Recent<>(outbox::backlog);
        Gauge.builder("postmortem_bridge_inbox_deliveries", () -> inboxBacklog.get(Backlog::pending))
                .description("Webhook deliveries stored and not yet read into the incident log").tag("state", "pending")
                .register(meters);
        Gauge.builder("postmortem_bridge_inbox_deliveries", () -> inboxBacklog.get(Backlog::stopped))
                .description("Webhook deliveries set aside as unreadable; see the log").tag("state", "failed")
                .register(meters);
        Gauge.builder("postmortem_bridge_outbox_tasks", () -> outboxBacklog.get(Backlog::pending))
                .description("Side effects (drafts, Jira calls) waiting to be sent or retried").tag("state", "pending")
                .register(meters);
        Gauge.builder("postmortem_bridge_outbox_tasks", () -> outboxBacklog.get(Backlog::stopped))
                .description("Side effects stopped on an error that needs a fix; see the log").tag("state", "parked")
                .register(meters);
    }

    /** A value read at most once a second, so that the gauges of one scrape share one query. */
    private static final class Recent<T> {

        private final Supplier<T> read;
        private T value;
        private long readAt;

        Recent(Supplier<T> read) {
            this.read = read;
        }

        synchronized double get(ToDoubleFunction<T> number) {
            try {
                if (value == null || System.nanoTime() - readAt > 1_000_000_000L) {
                    value = read.get();
                    readAt = System.nanoTime();
                }
                return number.applyAsDouble(value);
            } catch (RuntimeException e) {
                value = null;
                return Double.NaN;
            }
        }
    }

    /**
     * PagerDuty's spec requires {@code Content-Type: application/json} on every call, GETs included;
     * camel-http's default header filter drops it on requests without a body.
     */
    private static HttpHeaderFilterStrategy pagerDutyHeaders() {
        HttpHeaderFilterStrategy headers = new HttpHeaderFilterStrategy();
        headers.getOutFilter().remove("content-type");
        return headers;
    }

    private static void logModes(Settings settings) {
        if (settings.jira().dryRun()) {
            LOG.warn("Dry-run: JIRA_BASE_URL is not set, so drafts are written under {} and no Jira issue is created",
                    settings.dryRunDirectory());
        }
        if (settings.pagerDutySecrets().isEmpty()) {
            LOG.warn("PAGERDUTY_WEBHOOK_SECRET is not set: PagerDuty webhook signatures are NOT checked. This is "
                    + "allowed in dry-run only; set the secret before pointing a real subscription here");
        }
        if (settings.pagerDutyApiToken().isEmpty()) {
            LOG.info("PAGERDUTY_API_TOKEN is not set: timelines are drawn from webhook events alone");
        }
    }
}
