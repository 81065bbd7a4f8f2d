import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.io.Closeable;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Open-loop load client for {@code POST /webhooks/pagerduty}. JDK only, run with the source launcher;
 * bench/webhook-load.sh starts the targets and calls it.
 *
 * <p>Request i is due at t0 + i/rate and is sent then, handed to a sender thread of its own (see
 * {@link Http11Sender}), whether or not earlier requests have been answered: a slow server shows as
 * latency and as requests piling up, never as a lower rate. A request not answered within 5 s (as
 * PagerDuty: counted from the real send) is a timeout, an error.
 * Latency is measured from the <em>due</em> time, so time the client itself lost (a GC pause, a busy
 * CPU) counts against the answer instead of disappearing (no coordinated omission); how late the client
 * sent is reported on its own ("client lag") so that a client that cannot keep up is visible.
 *
 * <pre>
 * # intake: a warm-up, then one run per rate; --pid adds the service's CPU per webhook and memory
 * java bench/WebhookLoad.java intake --url http://127.0.0.1:8080/webhooks/pagerduty --secret S \
 *     [--samples DIR] [--pid PID] [--clock-ticks 100] [--target NAME] [--warmup 200:10,500:10] \
 *     [--rates 200,500,1000] [--seconds 20] [--check-signature] [--timeout-ms 5000] [--fail-on-errors]
 *
 * # drafts (dry-run): complete incidents at a steady rate, timed from the resolved webhook's due time
 * # to its Markdown draft appearing in --drafts-dir, alone and with other webhooks arriving
 * java bench/WebhookLoad.java drafts --url ... --secret S --drafts-dir DIR \
 *     [--incidents-per-second 5] [--seconds 30] [--background-rates 0,200] [--draft-samples f1,f2,...] [--pid PID]
 * </pre>
 *
 * Every run prints a human-readable block and one {@code RESULT key=value ...} line for the script.
 * Errors (non-2xx, timeouts, failed connections) are a result, not a crash: the exit status is 0
 * unless {@code --fail-on-errors} is given.
 */
public class WebhookLoad {

    /** PagerDuty gives up on a delivery after 5 s; so does this client, and counts it as an error. */
    static final int DEFAULT_TIMEOUT_MS = 5000;
    /** The clock starts this long after the run is prepared, so the first sends are not late by set-up. */
    static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: java bench/WebhookLoad.java intake|drafts --url URL --secret S [options]; see the source");
            System.exit(2);
        }
        Options opt = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        long errors = switch (args[0]) {
            case "intake" -> IntakeMode.run(opt);
            case "drafts" -> DraftMode.run(opt);
            default -> throw new IllegalArgumentException("unknown mode " + args[0] + ": intake or drafts");
        };
        if (errors > 0 && opt.flag("--fail-on-errors")) {
            System.exit(1);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Intake: fixed arrival rates, one run per rate
    // ---------------------------------------------------------------------------------------------

    static final class IntakeMode {

        static long run(Options opt) throws Exception {
            Client client = Client.from(opt);
            String target = opt.get("--target", "service");
            List<Sample> lifecycle = Sample.recordedLifecycle(Path.of(opt.get("--samples", Sample.DEFAULT_DIR)));
            LinuxProcess service = LinuxProcess.from(opt);
            LinuxProcess self = LinuxProcess.self(Long.parseLong(opt.get("--clock-ticks", "100")));
            System.out.printf("[%s] %d recorded bodies, sent in this order per incident: %s%n", target,
                    lifecycle.size(), lifecycle.stream().map(Sample::type).toList());

            if (opt.flag("--check-signature")) {
                client.requireForgedSignatureRefused(lifecycle.get(0));
            }
            // The warm-up lets both JVMs compile the hot paths before anything is measured (a first run
            // at 200/s right after 2 000 requests still cost the baseline 2-4 times the CPU of a later
            // one). Its figures are printed (run=warmup) because they describe a cold start, but they are
            // not the result.
            for (String phase : opt.get("--warmup", "200:10,500:10").split(",")) {
                Rate warmup = Rate.parse(phase);
                if (warmup.seconds() > 0) {
                    measureRate(client, service, self, target, lifecycle, warmup.perSecond(), warmup.seconds(), "warmup");
                }
            }
            int seconds = Integer.parseInt(opt.get("--seconds", "20"));
            long errors = 0;
            for (String rate : opt.get("--rates", "200,500,1000").split(",")) {
                errors += measureRate(client, service, self, target, lifecycle, Integer.parseInt(rate.strip()), seconds,
                        "measured");
            }
            return errors;
        }

        /**
         * One run at one rate. The service's CPU is counted from just before the first send until it
         * has gone quiet after the last answer, so work the service defers (drafting, an asynchronous
         * write) is charged to the webhooks that caused it, not hidden after the run.
         */
        static long measureRate(Client client, LinuxProcess service, LinuxProcess self, String target,
                List<Sample> lifecycle, int rate, int seconds, String run) throws Exception {
            List<Send> sends = client.intakeSends(lifecycle, rate, seconds, "intake"); // signed before the clock
            String loadBefore = LoadAverage.now();
            long cpuBefore = service == null ? 0 : service.cpuNanos();
            long clientCpuBefore = self.cpuNanos();
            Completed completed = OpenLoop.run(client, sends);
            long clientCpu = self.cpuNanos() - clientCpuBefore;
            Duration settled = service == null ? Duration.ZERO : service.awaitQuiet();
            long cpuAfter = service == null ? 0 : service.cpuNanos();
            Summary s = Summary.of(completed, "intake", seconds);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("kind", "intake");
            result.put("target", target);
            result.put("run", run);
            s.putInto(result);
            if (service != null) {
                LinuxProcess.Memory memory = service.memory();
                // still busy at the cap: the figure is a lower bound, and says so
                boolean quiet = settled.compareTo(LinuxProcess.MAX_SETTLE) < 0;
                result.put("cpu_us", (quiet ? "" : ">=") + fmt((cpuAfter - cpuBefore) / 1e3 / s.requests()));
                result.put("settle_s", (quiet ? "" : ">=") + fmt(settled.toMillis() / 1e3));
                result.put("rss_mib", memory.rssMib());
                result.put("hwm_mib", memory.hwmMib());
            }
            result.put("client_cpu_us", fmt(clientCpu / 1e3 / s.requests()));
            result.put("load_before", loadBefore);
            result.put("load_after", LoadAverage.now());
            System.out.println();
            System.out.printf("[%s] %s%d/s for %d s%n", target, run.equals("warmup") ? "warm-up (cold start, not a result): " : "",
                    rate, seconds);
            s.print("  ");
            if (service != null) {
                System.out.printf("  service: CPU %s µs per webhook (until quiet, %s s after the last answer), "
                                + "RSS %s MiB, peak RSS %s MiB%n", result.get("cpu_us"), result.get("settle_s"),
                        result.get("rss_mib"), result.get("hwm_mib"));
            }
            System.out.printf("  client: CPU %s µs per request (sending, answers, timeouts)%n", result.get("client_cpu_us"));
            System.out.printf("  load average: %s before, %s after%n", loadBefore, result.get("load_after"));
            printResult(result);
            return run.equals("warmup") ? 0 : s.errors();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Drafts: resolved webhook to Markdown draft, in dry-run
    // ---------------------------------------------------------------------------------------------

    static final class DraftMode {

        /** The default review rule drafts priority P1/P2 incidents: the bundled example resolves at P2. */
        static final String DEFAULT_EXAMPLES = "examples/pagerduty";
        /** Gap between the events of one incident; the resolved event comes last. */
        static final long EVENT_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
        /** How long after its resolved webhook a draft may still appear before it counts as missing. */
        static final Duration DRAFT_WAIT = Duration.ofSeconds(15);

        static long run(Options opt) throws Exception {
            Client client = Client.from(opt);
            String target = opt.get("--target", "service");
            Path samplesDir = Path.of(opt.get("--samples", Sample.DEFAULT_DIR));
            List<Sample> background = Sample.recordedLifecycle(samplesDir);
            List<Sample> incident = Sample.fromFiles(draftSampleFiles(opt, samplesDir));
            if (!incident.get(incident.size() - 1).type().equals("incident.resolved")) {
                throw new IllegalArgumentException("--draft-samples must end with an incident.resolved body");
            }
            LinuxProcess service = LinuxProcess.from(opt);
            int perSecond = Integer.parseInt(opt.get("--incidents-per-second", "5"));
            int seconds = Integer.parseInt(opt.get("--seconds", "30"));
            System.out.printf("[%s] drafts: %d incidents/s for %d s, each %s, %d ms apart%n", target, perSecond,
                    seconds, incident.stream().map(Sample::type).toList(), EVENT_SPACING_NANOS / 1_000_000);

            long errors = 0;
            try (DraftWatcher watcher = new DraftWatcher(Path.of(opt.require("--drafts-dir")))) {
                for (String rate : opt.get("--background-rates", "0,200").split(",")) {
                    if (service != null) {
                        service.awaitQuiet(); // a backlog of earlier drafting would be charged to this run
                    }
                    errors += measure(client, watcher, target, incident, background, perSecond, seconds,
                            Integer.parseInt(rate.strip()));
                }
            }
            return errors;
        }

        static long measure(Client client, DraftWatcher watcher, String target, List<Sample> incident,
                List<Sample> background, int perSecond, int seconds, int backgroundRate) throws Exception {
            List<Send> sends = new ArrayList<>(client.incidentSends(incident, perSecond, seconds, "incidents"));
            if (backgroundRate > 0) {
                sends.addAll(client.intakeSends(background, backgroundRate, seconds, "background"));
            }
            sends.sort(Comparator.comparingLong(Send::dueNanos));
            String loadBefore = LoadAverage.now();
            Completed completed = OpenLoop.run(client, sends);
            long[] draftNanos = watcher.awaitDrafts(completed, DRAFT_WAIT);
            long missing = Arrays.stream(draftNanos).filter(n -> n < 0).count();
            long[] found = Arrays.stream(draftNanos).filter(n -> n >= 0).sorted().toArray();

            Summary incidents = Summary.of(completed, "incidents", seconds);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("kind", "drafts");
            result.put("target", target);
            result.put("background", backgroundRate);
            result.put("incidents", draftNanos.length);
            result.put("drafted", found.length);
            result.put("missing", missing);
            result.put("p50", fmt(Percentile.ms(found, 0.50)));
            result.put("p99", fmt(Percentile.ms(found, 0.99)));
            result.put("max", fmt(Percentile.ms(found, 1.0)));
            long errors = incidents.errors() + missing;
            result.put("errors", incidents.errors());
            long ok = incidents.ok();
            if (backgroundRate > 0) {
                Summary bg = Summary.of(completed, "background", seconds);
                result.put("bg_p99", fmt(bg.p99Ms()));
                result.put("bg_errors", bg.errors());
                errors += bg.errors();
                ok += bg.ok();
            }
            result.put("ok", ok);
            result.put("load_before", loadBefore);
            result.put("load_after", LoadAverage.now());

            System.out.println();
            System.out.printf("[%s] resolved -> draft, %d incidents/s for %d s, %s%n", target, perSecond, seconds,
                    backgroundRate > 0 ? "while " + backgroundRate + " other webhooks/s arrive" : "nothing else arriving");
            System.out.printf("  drafts: %d of %d appeared (%d missing after %d s); from the resolved webhook's due time: "
                            + "p50 %s ms, p99 %s ms, max %s ms%n", found.length, draftNanos.length, missing,
                    DRAFT_WAIT.toSeconds(), result.get("p50"), result.get("p99"), result.get("max"));
            System.out.println("  the incidents' own webhooks:");
            incidents.print("    ");
            if (backgroundRate > 0) {
                System.out.println("  the other webhooks:");
                Summary.of(completed, "background", seconds).print("    ");
            }
            if (watcher.overflowed()) {
                System.out.println("  warning: the directory watch overflowed; some drafts may be counted as missing");
            }
            System.out.printf("  load average: %s before, %s after%n", loadBefore, result.get("load_after"));
            printResult(result);
            return errors;
        }

        /** triggered (recorded) + the bundled example incident, in order; or the files given. */
        static List<Path> draftSampleFiles(Options opt, Path samplesDir) throws IOException {
            String given = opt.get("--draft-samples", "");
            if (!given.isBlank()) {
                return Arrays.stream(given.split(",")).map(String::strip).map(Path::of).toList();
            }
            List<Path> files = new ArrayList<>();
            files.add(samplesDir.resolve("triggered_v3.json"));
            try (var examples = Files.list(Path.of(DEFAULT_EXAMPLES))) {
                examples.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
            }
            return files;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Recorded bodies, rewritten into new deliveries
    // ---------------------------------------------------------------------------------------------

    /** A recorded webhook body and the ids in it that are rewritten for each new delivery. */
    record Sample(String name, String type, String text, String eventId, String incidentId) {

        static final String DEFAULT_DIR = "../shared/refdata/webhook-samples/pagerduty-v3/zulip";
        private static final Pattern EVENT_ID = Pattern.compile("\"event\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern EVENT_TYPE = Pattern.compile("\"event_type\"\\s*:\\s*\"([^\"]+)\"");
        // Every V3 incident body links its incident through .../incidents/<id>, whether the incident is
        // event.data itself or the incident a note or status update belongs to.
        private static final Pattern INCIDENT_ID = Pattern.compile("api\\.pagerduty\\.com/incidents/([A-Za-z0-9]+)\"");

        /** All recorded bodies of a directory in a plausible lifecycle: triggered first, resolved last. */
        static List<Sample> recordedLifecycle(Path dir) throws IOException {
            List<Path> files;
            try (var listing = Files.list(dir)) {
                files = listing.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no *.json in " + dir);
            }
            List<Sample> samples = new ArrayList<>(fromFiles(files));
            samples.sort(Comparator.comparingInt((Sample s) -> switch (s.type()) {
                case "incident.triggered" -> 0;
                case "incident.resolved" -> 2;
                default -> 1;
            }).thenComparing(Sample::name));
            return samples;
        }

        static List<Sample> fromFiles(List<Path> files) throws IOException {
            List<Sample> samples = new ArrayList<>();
            for (Path file : files) {
                // read and written back as UTF-8: byte for byte apart from the swapped ids
                String text = Files.readString(file, StandardCharsets.UTF_8);
                samples.add(new Sample(file.getFileName().toString(), find(EVENT_TYPE, text, file), text,
                        find(EVENT_ID, text, file), find(INCIDENT_ID, text, file)));
            }
            return samples;
        }

        /** The body with this incident's and this event's ids in place of the recorded ones. */
        byte[] rewritten(String incident, String event) {
            return text.replace(incidentId, incident).replace(eventId, event).getBytes(StandardCharsets.UTF_8);
        }

        private static String find(Pattern pattern, String text, Path file) {
            Matcher m = pattern.matcher(text);
            if (!m.find()) {
                throw new IllegalArgumentException(file + ": no match for " + pattern);
            }
            return m.group(1);
        }
    }

    /** One request of a schedule: when it is due (from t0), what it is, and what it is for. */
    record Send(long dueNanos, byte[] request, String group, String draftOf) {
    }

    /** The HTTP client and everything needed to build signed, never-seen-before deliveries. */
    static final class Client {

        final URI url;
        final Duration timeout;
        final Http11Sender sender;
        private final byte[] secret;
        // A tag per client process keeps ids unique when several clients feed one database.
        private final String tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36)
                .toUpperCase(Locale.ROOT);
        private long nextEvent;
        private long nextIncident;

        Client(URI url, String secret, Duration timeout) {
            this.url = url;
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
            this.timeout = timeout;
            this.sender = new Http11Sender(new InetSocketAddress(url.getHost(), url.getPort()));
        }

        static Client from(Options opt) {
            return new Client(URI.create(opt.require("--url")), opt.require("--secret"),
                    Duration.ofMillis(Integer.parseInt(opt.get("--timeout-ms", Integer.toString(DEFAULT_TIMEOUT_MS)))));
        }

        /**
         * {@code rate × seconds} new deliveries, request i due at i/rate. Delivery n is sample n mod S of a
         * new incident every S deliveries, so each incident gets the whole recorded lifecycle in order.
         */
        List<Send> intakeSends(List<Sample> lifecycle, int rate, int seconds, String group) {
            int count = rate * seconds;
            List<Send> sends = new ArrayList<>(count);
            String incident = null;
            for (int i = 0; i < count; i++) {
                if (i % lifecycle.size() == 0) {
                    incident = newIncidentId();
                }
                long due = Math.round(i * 1e9 / rate);
                sends.add(new Send(due, signedRequest(lifecycle.get(i % lifecycle.size()), incident), group, null));
            }
            return sends;
        }

        /**
         * Whole incidents, a new one every 1/perSecond, its events {@link DraftMode#EVENT_SPACING_NANOS}
         * apart; the last (resolved) send of each names the incident whose draft is awaited.
         */
        List<Send> incidentSends(List<Sample> incidentEvents, int perSecond, int seconds, String group) {
            List<Send> sends = new ArrayList<>();
            for (int k = 0; k < perSecond * seconds; k++) {
                String incident = newIncidentId();
                long start = Math.round(k * 1e9 / perSecond);
                for (int j = 0; j < incidentEvents.size(); j++) {
                    boolean last = j == incidentEvents.size() - 1;
                    sends.add(new Send(start + j * DraftMode.EVENT_SPACING_NANOS,
                            signedRequest(incidentEvents.get(j), incident), group, last ? incident : null));
                }
            }
            return sends;
        }

        /** A one-off request with a forged signature: the service must refuse it with 401. */
        void requireForgedSignatureRefused(Sample sample) throws Exception {
            byte[] body = sample.rewritten(newIncidentId(), "01LOADFORGED" + tag);
            byte[] forged = request(body, "load-" + tag + "-forged", "v1=" + "0".repeat(64));
            int status = sender.sendAndWait(forged, timeout);
            if (status != 401) {
                throw new IllegalStateException("a forged signature was answered " + status
                        + ", not 401: are signature checks on? (PAGERDUTY_WEBHOOK_SECRET)");
            }
            System.out.println("signature check: a forged signature is refused with 401 (the service logs one WARN for it)");
        }

        private String newIncidentId() {
            return "PL" + tag + (nextIncident++); // letters and digits only, like PagerDuty's ids
        }

        private byte[] signedRequest(Sample sample, String incident) {
            long n = nextEvent++;
            byte[] body = sample.rewritten(incident, "01LOAD" + tag + n);
            return request(body, "load-" + tag + "-" + n, "v1=" + hmacHex(body));
        }

        /** The request as it goes on the wire, headers as PagerDuty sends them (minus its User-Agent). */
        private byte[] request(byte[] body, String deliveryId, String signature) {
            String head = "POST " + url.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "X-Webhook-Id: " + deliveryId + "\r\n"
                    + "X-PagerDuty-Signature: " + signature + "\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "\r\n";
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(head.length() + body.length);
            bytes.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(body);
            return bytes.toByteArray();
        }

        private String hmacHex(byte[] body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                return HexFormat.of().formatHex(mac.doFinal(body));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The open loop
    // ---------------------------------------------------------------------------------------------

    enum Failure { TIMEOUT, CONNECTION, NO_ANSWER }

    /** What became of one request: its status (0 if none), or how it failed; times from its due time. */
    record Outcome(int status, Failure failure, long latencyNanos) {
    }

    /** A finished schedule: per send, how late the client sent it and what came back. */
    record Completed(List<Send> sends, long t0, long[] lagNanos, Outcome[] outcomes, List<String> firstFailures) {

        /** When the client actually sent request i: its due time plus how late it was. */
        long sentAt(int i) {
            return t0 + sends.get(i).dueNanos() + lagNanos[i];
        }

        /** The rate the client achieved for these requests (in schedule order), from their actual send times. */
        double sentPerSecond(int[] members) {
            if (members.length < 2) {
                return members.length;
            }
            long span = sentAt(members[members.length - 1]) - sentAt(members[0]);
            return span <= 0 ? Double.NaN : (members.length - 1) * 1e9 / span;
        }
    }

    static final class OpenLoop {

        /**
         * Sends each request at its due time without waiting for any answer, then waits for the answers
         * (each bounded by the client timeout). Latency runs from the due time to the answer.
         */
        static Completed run(Client client, List<Send> sends) throws InterruptedException {
            int n = sends.size();
            long[] lag = new long[n];
            AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(n);
            List<String> firstFailures = new ArrayList<>();
            CountDownLatch answered = new CountDownLatch(n);
            long t0 = System.nanoTime() + START_DELAY_NANOS;
            for (int i = 0; i < n; i++) {
                long due = t0 + sends.get(i).dueNanos();
                sleepUntil(due);
                long sent = System.nanoTime();
                lag[i] = sent - due;
                int index = i;
                // PagerDuty's 5 s run from its send: here from when the client really sent, late or not
                client.sender.send(sends.get(i).request(), sent + client.timeout.toNanos(), (status, failure, cause) -> {
                    long latency = System.nanoTime() - due;
                    if (failure != null) {
                        synchronized (firstFailures) {
                            if (firstFailures.size() < 3) {
                                firstFailures.add(String.valueOf(cause));
                            }
                        }
                    }
                    outcomes.set(index, new Outcome(status, failure, latency));
                    answered.countDown();
                });
            }
            // every request ends by its deadline; the margin is for a client too starved to notice at once
            answered.await(client.timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
            Outcome[] result = new Outcome[n];
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Outcome o = outcomes.get(i);
                result[i] = o != null ? o : new Outcome(0, Failure.NO_ANSWER, now - (t0 + sends.get(i).dueNanos()));
            }
            return new Completed(sends, t0, lag, result, firstFailures);
        }

        /** Parks until the due time; no busy spinning, which would take CPU from the service on a small machine. */
        private static void sleepUntil(long due) {
            for (long left; (left = due - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
            }
        }
    }

    /**
     * A minimal HTTP/1.1 client for one server, for this bench only. The JDK's java.net.http client
     * was tried first: on the 2-CPU machine it spent 0.7–1.7 ms of CPU per request, more than the bare
     * baseline spends answering it, and every bit of it is CPU taken from the target. This one writes
     * bytes prepared before the clock and reads the status line, the headers and the body
     * (Content-Length or chunked), nothing more: no redirects, no TLS, no retries.
     *
     * <p>Every request in flight has a thread and a connection of its own (idle connections are kept
     * alive and reused), so nothing in the client waits for an answer before sending the next request:
     * a slow server sees requests and connections pile up, as it would with PagerDuty.
     */
    static final class Http11Sender {

        interface Done {
            /** status is 0 when failure is set */
            void completed(int status, Failure failure, Exception cause);
        }

        /** How long an idle connection is kept for the next request: below the service's server.idle-timeout. */
        static final Duration CLIENT_IDLE_TIMEOUT = Duration.ofSeconds(50);

        private final InetSocketAddress server;
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        private final ExecutorService threads;

        Http11Sender(InetSocketAddress server) {
            this.server = server;
            AtomicInteger n = new AtomicInteger();
            // small stacks: a collapsing server can have thousands of requests in flight
            this.threads = Executors.newCachedThreadPool(task -> {
                Thread t = new Thread(null, task, "sender-" + n.incrementAndGet(), 256 * 1024);
                t.setDaemon(true);
                return t;
            });
        }

        /** Hands the request to a sender thread and returns at once; done is called by that thread. */
        void send(byte[] request, long deadlineNanos, Done done) {
            threads.execute(() -> exchange(request, deadlineNanos, done));
        }

        int sendAndWait(byte[] request, Duration timeout) throws Exception {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            send(request, System.nanoTime() + timeout.toNanos(), (status, failure, cause) -> {
                if (failure == null) {
                    answer.complete(status);
                } else {
                    answer.completeExceptionally(cause);
                }
            });
            return answer.get();
        }

        private void exchange(byte[] request, long deadline, Done done) {
            Connection connection = idle.pollFirst();
            // as HTTP clients do, a connection idle longer than its keep-alive is not reused: the service
            // closes idle connections after server.idle-timeout (65 s), and a request written onto one it
            // has just closed fails without an answer
            while (connection != null && System.nanoTime() - connection.lastUsed > CLIENT_IDLE_TIMEOUT.toNanos()) {
                connection.close();
                connection = idle.pollFirst();
            }
            try {
                if (connection == null) {
                    connection = Connection.open(server, deadline);
                }
                Connection.Answer answer = connection.exchange(request, deadline);
                if (answer.keepAlive()) {
                    connection.lastUsed = System.nanoTime();
                    idle.offerFirst(connection); // most recently used first: the pool stays as small as it can
                } else {
                    connection.close();
                }
                done.completed(answer.status(), null, null);
            } catch (IOException e) {
                if (connection != null) {
                    connection.close(); // a timed-out connection may still get its late answer: never reuse it
                }
                done.completed(0, e instanceof SocketTimeoutException ? Failure.TIMEOUT : Failure.CONNECTION, e);
            }
        }
    }

    /** One kept-alive connection: writes a request, reads its answer, within a deadline. */
    static final class Connection implements Closeable {

        record Answer(int status, boolean keepAlive) {
        }

        private static final int MAX_LINE = 8192;

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;
        private long deadline;
        /** When its last answer was read (System.nanoTime()). */
        volatile long lastUsed = System.nanoTime();

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = socket.getInputStream();
        }

        static Connection open(InetSocketAddress server, long deadline) throws IOException {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(server, millisLeft(deadline));
                return new Connection(socket);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        Answer exchange(byte[] request, long deadline) throws IOException {
            this.deadline = deadline;
            out.write(request);
            out.flush();
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            boolean keepAlive = parts[0].equals("HTTP/1.1");
            long length = -1;
            boolean chunked = false;
            for (String header; !(header = line()).isEmpty(); ) {
                int colon = header.indexOf(':');
                String name = header.substring(0, Math.max(colon, 0)).strip().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> keepAlive = keepAlive ? !value.contains("close") : value.contains("keep-alive");
                    default -> { }
                }
            }
            boolean noBody = status / 100 == 1 || status == 204 || status == 304;
            if (noBody) {
                return new Answer(status, keepAlive);
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";", 2)[0].strip(), 16)) > 0; ) {
                    skip(size);
                    line(); // the CRLF after the chunk
                }
                while (!line().isEmpty()) {
                    // trailers, if any
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                // no length: the body ends when the server closes the connection
                while (true) {
                    try {
                        fill();
                    } catch (EOFException e) {
                        break;
                    }
                }
                keepAlive = false;
            }
            return new Answer(status, keepAlive);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c; (c = read()) != '\n'; ) {
                if (c != '\r') {
                    line.append((char) c);
                }
                if (line.length() > MAX_LINE) {
                    throw new IOException("a line of the answer is longer than " + MAX_LINE);
                }
            }
            return line.toString();
        }

        private void skip(long count) throws IOException {
            while (count > 0) {
                if (position == limit) {
                    fill();
                }
                int n = (int) Math.min(count, limit - position);
                position += n;
                count -= n;
            }
        }

        private int read() throws IOException {
            if (position == limit) {
                fill();
            }
            return buffer[position++] & 0xff;
        }

        /** Reads what has arrived, waiting at most until the deadline. */
        private void fill() throws IOException {
            socket.setSoTimeout(millisLeft(deadline));
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("the server closed the connection");
            }
            position = 0;
            limit = n;
        }

        private static int millisLeft(long deadline) throws SocketTimeoutException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no answer within the timeout");
            }
            return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Figures
    // ---------------------------------------------------------------------------------------------

    /** The client-side figures of one group of requests of a run. */
    record Summary(String group, int rateAsked, int requests, double sentPerSecond, long[] sortedLatency,
            long[] sortedLag, Map<Integer, Long> statuses, long non2xx, long timeouts, long connectionFailures,
            long noAnswer, List<String> firstFailures) {

        /** The figures of the sends of {@code group}, which the schedule spread over {@code seconds}. */
        static Summary of(Completed run, String group, int seconds) {
            int[] members = IntStream.range(0, run.sends().size())
                    .filter(i -> run.sends().get(i).group().equals(group)).toArray();
            long[] latency = Arrays.stream(members).mapToLong(i -> run.outcomes()[i].latencyNanos()).sorted().toArray();
            long[] lag = Arrays.stream(members).mapToLong(i -> run.lagNanos()[i]).sorted().toArray();
            Map<Integer, Long> statuses = Arrays.stream(members).mapToObj(i -> run.outcomes()[i])
                    .filter(o -> o.failure() == null)
                    .collect(Collectors.groupingBy(Outcome::status, TreeMap::new, Collectors.counting()));
            long non2xx = statuses.entrySet().stream().filter(e -> e.getKey() / 100 != 2).mapToLong(Map.Entry::getValue).sum();
            Map<Failure, Long> failures = Arrays.stream(members).mapToObj(i -> run.outcomes()[i])
                    .filter(o -> o.failure() != null)
                    .collect(Collectors.groupingBy(Outcome::failure, Collectors.counting()));
            return new Summary(group, (int) Math.round((double) members.length / seconds), members.length,
                    run.sentPerSecond(members), latency, lag, statuses, non2xx,
                    failures.getOrDefault(Failure.TIMEOUT, 0L), failures.getOrDefault(Failure.CONNECTION, 0L),
                    failures.getOrDefault(Failure.NO_ANSWER, 0L), run.firstFailures());
        }

        long errors() {
            return non2xx + timeouts + connectionFailures + noAnswer;
        }

        /** Answered 2xx: stored (or a duplicate), as far as the client knows. */
        long ok() {
            return statuses.entrySet().stream().filter(e -> e.getKey() / 100 == 2).mapToLong(Map.Entry::getValue).sum();
        }

        double p99Ms() {
            return Percentile.ms(sortedLatency, 0.99);
        }

        void putInto(Map<String, Object> result) {
            result.put("rate", rateAsked);
            result.put("achieved", fmt(sentPerSecond));
            result.put("requests", requests);
            result.put("p50", fmt(Percentile.ms(sortedLatency, 0.50)));
            result.put("p99", fmt(Percentile.ms(sortedLatency, 0.99)));
            result.put("p999", fmt(Percentile.ms(sortedLatency, 0.999)));
            result.put("max", fmt(Percentile.ms(sortedLatency, 1.0)));
            result.put("errors", errors());
            result.put("ok", ok());
            result.put("non2xx", non2xx);
            result.put("timeouts", timeouts);
            result.put("conn_failures", connectionFailures + noAnswer);
            result.put("statuses", statuses.entrySet().stream().map(e -> e.getKey() + "x" + e.getValue())
                    .collect(Collectors.joining(",")));
            result.put("lag_p99", fmt(Percentile.ms(sortedLag, 0.99)));
            result.put("lag_max", fmt(Percentile.ms(sortedLag, 1.0)));
        }

        void print(String indent) {
            System.out.printf("%srate asked %d/s, achieved %s/s, %d requests%n", indent, rateAsked, fmt(sentPerSecond), requests);
            System.out.printf("%slatency from the due time: p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms%n", indent,
                    fmt(Percentile.ms(sortedLatency, 0.50)), fmt(Percentile.ms(sortedLatency, 0.99)),
                    fmt(Percentile.ms(sortedLatency, 0.999)), fmt(Percentile.ms(sortedLatency, 1.0)));
            System.out.printf("%sstatuses %s; errors %d (non-2xx %d, timeouts %d, connection failures %d%s)%n", indent,
                    statuses, errors(), non2xx, timeouts, connectionFailures, noAnswer > 0 ? ", never answered " + noAnswer : "");
            System.out.printf("%sclient behind schedule: p99 %s ms, max %s ms%n", indent,
                    fmt(Percentile.ms(sortedLag, 0.99)), fmt(Percentile.ms(sortedLag, 1.0)));
            if (timeouts + connectionFailures + noAnswer > 0) {
                System.out.printf("%sfirst failures: %s%n", indent, firstFailures);
            }
        }
    }

    static final class Percentile {
        /** Nearest rank over a sorted array of nanoseconds, in milliseconds; NaN for no values. */
        static double ms(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1e6;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The service, seen from /proc
    // ---------------------------------------------------------------------------------------------

    /** CPU time and memory of a process (the target, or this client), from /proc (Linux). */
    static final class LinuxProcess {

        record Memory(long rssMib, long hwmMib) {
        }

        /** Quiet: under 5% of one CPU over a window longer than the outbox's 1 s poll, so a pending poll is waited for. */
        private static final long QUIET_WINDOW_MS = 1200;
        private static final double QUIET_SHARE = 0.05;
        private static final long SAMPLE_MS = 100;
        /** Long enough for the drafting backlog of a 20 s run at 1000/s on this code; a cap, so a busy loop cannot hang the bench. */
        static final Duration MAX_SETTLE = Duration.ofSeconds(30);

        private final long pid;
        private final long ticksPerSecond;

        LinuxProcess(long pid, long ticksPerSecond) {
            this.pid = pid;
            this.ticksPerSecond = ticksPerSecond;
        }

        /** This client, whose own CPU is reported next to the service's: on a small machine they compete. */
        static LinuxProcess self(long ticksPerSecond) {
            return new LinuxProcess(ProcessHandle.current().pid(), ticksPerSecond);
        }

        static LinuxProcess from(Options opt) {
            String pid = opt.get("--pid", "");
            return pid.isBlank() ? null : new LinuxProcess(Long.parseLong(pid), Long.parseLong(opt.get("--clock-ticks", "100")));
        }

        /** utime + stime of all the process's threads, from /proc/pid/stat (fields 14 and 15, in clock ticks). */
        long cpuNanos() {
            String stat = read("stat");
            // the command name (field 2) may hold spaces and parentheses: count fields after its last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
            return ticks * 1_000_000_000L / ticksPerSecond;
        }

        Memory memory() {
            Map<String, Long> kib = new TreeMap<>();
            for (String line : read("status").split("\n")) {
                if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                    kib.put(line.substring(0, 5), Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            return new Memory(kib.getOrDefault("VmRSS", 0L) / 1024, kib.getOrDefault("VmHWM", 0L) / 1024);
        }

        /** Waits until the service has gone (nearly) idle, at most {@link #MAX_SETTLE}; returns how long it took. */
        Duration awaitQuiet() throws InterruptedException {
            long start = System.nanoTime();
            int window = (int) (QUIET_WINDOW_MS / SAMPLE_MS);
            long[] cpu = new long[window + 1];
            for (int samples = 0; ; samples++) {
                cpu[samples % cpu.length] = cpuNanos();
                if (samples >= window) {
                    long used = cpu[samples % cpu.length] - cpu[(samples - window) % cpu.length];
                    if (used <= QUIET_SHARE * QUIET_WINDOW_MS * 1_000_000) {
                        // the quiet window itself is not part of the settling
                        return Duration.ofNanos(Math.max(0, System.nanoTime() - start - QUIET_WINDOW_MS * 1_000_000));
                    }
                }
                if (System.nanoTime() - start > MAX_SETTLE.toNanos()) {
                    return MAX_SETTLE; // still busy: the caller says so
                }
                Thread.sleep(SAMPLE_MS);
            }
        }

        private String read(String file) {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file + ": has the service exited?", e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Drafts appearing in the dry-run directory
    // ---------------------------------------------------------------------------------------------

    /**
     * Notes when each {@code postmortem-bridge-pagerduty-<incident>.md} appears. The service writes a
     * temporary file and moves it into place, and the move is reported as a creation, so the time seen
     * is when the complete draft became visible.
     */
    static final class DraftWatcher implements AutoCloseable {

        private static final Pattern DRAFT = Pattern.compile("postmortem-bridge-pagerduty-(.+)\\.md");

        private final WatchService watch;
        private final Map<String, Long> appeared = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean overflowed;

        DraftWatcher(Path directory) throws IOException {
            Files.createDirectories(directory);
            watch = directory.getFileSystem().newWatchService();
            directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            thread = new Thread(this::watch, "draft-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void watch() {
            try {
                while (true) {
                    WatchKey key = watch.take();
                    long now = System.nanoTime();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            overflowed = true;
                            continue;
                        }
                        Matcher m = DRAFT.matcher(event.context().toString());
                        if (m.matches()) {
                            appeared.putIfAbsent(m.group(1), now);
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed: the run is over
            }
        }

        /**
         * For each resolved send of the run, in order: nanoseconds from its due time to its draft, or -1
         * if the draft did not appear within {@code wait} of the last one being due.
         */
        long[] awaitDrafts(Completed run, Duration wait) throws InterruptedException {
            List<Integer> resolved = new ArrayList<>();
            for (int i = 0; i < run.sends().size(); i++) {
                if (run.sends().get(i).draftOf() != null) {
                    resolved.add(i);
                }
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline
                    && !resolved.stream().allMatch(i -> appeared.containsKey(run.sends().get(i).draftOf()))) {
                Thread.sleep(50);
            }
            return resolved.stream().mapToLong(i -> {
                Long at = appeared.get(run.sends().get(i).draftOf());
                return at == null ? -1 : at - (run.t0() + run.sends().get(i).dueNanos());
            }).toArray();
        }

        boolean overflowed() {
            return overflowed;
        }

        @Override
        public void close() throws IOException {
            watch.close();
            thread.interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Small helpers
    // ---------------------------------------------------------------------------------------------

    record Rate(int perSecond, int seconds) {
        static Rate parse(String spec) {
            String[] parts = spec.strip().split(":");
            return new Rate(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
    }

    static final class LoadAverage {
        /** The 1, 5 and 15 minute load averages: the machine is shared, so every figure carries them. */
        static String now() {
            try {
                String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
                return parts[0] + "/" + parts[1] + "/" + parts[2];
            } catch (IOException e) {
                return "?";
            }
        }
    }

    static final class Options {
        private final Map<String, String> values = new TreeMap<>();

        static Options parse(String[] args) {
            Options opt = new Options();
            for (int i = 0; i < args.length; i++) {
                boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
                opt.values.put(args[i], hasValue ? args[++i] : "true");
            }
            return opt;
        }

        String get(String name, String otherwise) {
            return values.getOrDefault(name, otherwise);
        }

        String require(String name) {
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return value;
        }

        boolean flag(String name) {
            return values.containsKey(name);
        }
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    /** One line for the script to collect: {@code RESULT key=value ...}, values without spaces. */
    static void printResult(Map<String, Object> result) {
        System.out.println("RESULT " + result.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
    }
}
