import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Closed-loop load client for {@code POST /webhooks/pagerduty}: N workers, each sending its next
 * signed webhook as soon as the previous one is answered, timing send-to-answer with nanoTime.
 * JDK only, run with the source launcher; bench/webhook-ack.sh starts the service and calls it.
 *
 * <pre>
 * java bench/WebhookAckBench.java --url http://127.0.0.1:8080/webhooks/pagerduty --secret S \
 *     --samples ../shared/refdata/webhook-samples/pagerduty-v3/zulip \
 *     [--warmup 2000] [--runs 1:10000,8:20000,32:20000] [--duplicates 8:10000]
 * </pre>
 *
 * Exits 1 if any answer is not the expected 2xx (202 for a new delivery, 200 for a duplicate) or a
 * request fails outright.
 */
public class WebhookAckBench {

    // The recorded ids we rewrite so that every request is a new event of one of many incidents.
    // Every V3 incident body links its incident through .../incidents/<id>, whether the incident is
    // event.data itself or the incident a note or status update belongs to.
    private static final Pattern EVENT_ID = Pattern.compile("\"event\"\\s*:\\s*\\{\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EVENT_TYPE = Pattern.compile("\"event_type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern INCIDENT_ID = Pattern.compile("api\\.pagerduty\\.com/incidents/([A-Za-z0-9]+)\"");

    record Sample(String name, String type, String text, String eventId, String incidentId) {
    }

    /** One prepared delivery: everything is computed before the clock starts, so signing is not timed. */
    record Delivery(String id, byte[] body, String signature) {
    }

    record Result(String name, int concurrency, int requests, double seconds, long[] sortedNanos,
            Map<Integer, Long> codes, long failures, long unexpected) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            // HTTP/1.1 with keep-alive, as PagerDuty delivers; avoids the h2c upgrade attempt on plain http
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI url;
    private final byte[] secret;
    private final List<Sample> samples;
    // A tag per bench process keeps ids unique even if the same database were reused.
    private final String tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);
    private int next; // sequence number of the next new delivery
    private int resolutions; // incident.resolved events sent: each one queues drafting work in the outbox

    WebhookAckBench(URI url, String secret, List<Sample> samples) {
        this.url = url;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.samples = samples;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        List<Sample> samples = loadSamples(Path.of(opt.getOrDefault("--samples",
                "../shared/refdata/webhook-samples/pagerduty-v3/zulip")));
        WebhookAckBench bench = new WebhookAckBench(URI.create(require(opt, "--url")), require(opt, "--secret"), samples);
        System.out.printf("samples: %d bodies, sent in this order per incident: %s%n", samples.size(),
                samples.stream().map(Sample::type).toList());

        // Signature checks must be on, or we would be timing a path production never takes.
        Delivery forged = bench.fresh(1).get(0);
        Result probe = bench.run("forged", 1, List.of(new Delivery(forged.id(), forged.body(), "v1=" + "0".repeat(64))), 401);
        if (probe.unexpected() + probe.failures() > 0) {
            System.out.println("FAILED: a forged signature was answered " + probe.codes() + ", not 401: are signature checks on?");
            System.exit(1);
        }
        System.out.println("signature check: a forged signature is refused with 401 (expected; the service logs one WARN for it)");

        int warmup = Integer.parseInt(opt.getOrDefault("--warmup", "2000"));
        Result w = bench.run("warm-up", 8, bench.fresh(warmup), 202);
        System.out.printf("warm-up: %d requests at concurrency 8 in %.1f s (not reported)%n", warmup, w.seconds());

        List<Result> results = new ArrayList<>();
        List<Delivery> lastFresh = List.of();
        for (String spec : opt.getOrDefault("--runs", "1:10000,8:20000,32:20000").split(",")) {
            int[] cn = pair(spec);
            lastFresh = bench.fresh(cn[1]);
            results.add(bench.run("new", cn[0], lastFresh, 202));
        }
        // Redelivery: the same ids and bodies again, as PagerDuty retries after a lost answer.
        String dup = opt.getOrDefault("--duplicates", "8:10000");
        if (!dup.isBlank()) {
            int[] cn = pair(dup);
            List<Delivery> again = lastFresh.subList(0, Math.min(cn[1], lastFresh.size()));
            results.add(bench.run("duplicate", cn[0], again, 200));
        }

        print(results);
        System.out.printf("%nnew deliveries: %d (incl. warm-up and the forged probe), for %d incidents, of which %d resolved (each queues a draft)%n",
                bench.next, (bench.next + samples.size() - 1) / samples.size(), bench.resolutions);
        long bad = results.stream().mapToLong(r -> r.failures() + r.unexpected()).sum() + w.failures() + w.unexpected();
        if (bad > 0) {
            System.out.println("FAILED: " + bad + " request(s) failed or got an unexpected status (warm-up included)");
            System.exit(1);
        }
    }

    /** Sends the deliveries with {@code concurrency} closed-loop workers and times each answer. */
    Result run(String name, int concurrency, List<Delivery> deliveries, int expected) throws InterruptedException {
        long[] nanos = new long[deliveries.size()];
        Map<Integer, LongAdder> codes = new ConcurrentHashMap<>();
        LongAdder failures = new LongAdder();
        AtomicInteger cursor = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = cursor.getAndIncrement()) < deliveries.size(); ) {
                Delivery d = deliveries.get(i);
                HttpRequest request = HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("X-Webhook-Id", d.id())
                        .header("X-PagerDuty-Signature", d.signature())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                        .build();
                long start = System.nanoTime();
                try {
                    int status = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                    nanos[i] = System.nanoTime() - start;
                    codes.computeIfAbsent(status, k -> new LongAdder()).increment();
                } catch (IOException | InterruptedException e) {
                    nanos[i] = System.nanoTime() - start;
                    failures.increment();
                    if (failures.sum() <= 3) {
                        System.out.println("request " + d.id() + " failed: " + e);
                    }
                }
            }
        };
        List<Thread> threads = new ArrayList<>();
        long begin = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(worker, name + "-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        Arrays.sort(nanos);
        Map<Integer, Long> counted = new TreeMap<>();
        codes.forEach((code, n) -> counted.put(code, n.sum()));
        long unexpected = counted.entrySet().stream().filter(e -> e.getKey() != expected).mapToLong(Map.Entry::getValue).sum();
        return new Result(name, concurrency, deliveries.size(), seconds, nanos, counted, failures.sum(), unexpected);
    }

    /**
     * The next {@code count} new deliveries. Delivery n is sample n mod S of incident n / S, so each
     * incident gets the whole recorded lifecycle, triggered first and resolved last, and every event
     * has its own id. The recorded ids are swapped by plain string replacement, then the bytes are signed.
     */
    List<Delivery> fresh(int count) {
        List<Delivery> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++, next++) {
            Sample s = samples.get(next % samples.size());
            if (s.type().equals("incident.resolved")) {
                resolutions++;
            }
            String incident = "PB" + tag.toUpperCase() + (next / samples.size()); // letters and digits only
            String event = "01BENCH" + tag.toUpperCase() + next;
            byte[] body = s.text().replace(s.incidentId(), incident).replace(s.eventId(), event)
                    .getBytes(StandardCharsets.UTF_8);
            out.add(new Delivery("bench-" + tag + "-" + next, body, "v1=" + hmacHex(body)));
        }
        return out;
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

    static List<Sample> loadSamples(Path dir) throws IOException {
        List<Sample> samples = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                // read as UTF-8 and written back as UTF-8: byte for byte apart from the swapped ids
                String text = Files.readString(file, StandardCharsets.UTF_8);
                samples.add(new Sample(file.getFileName().toString(), find(EVENT_TYPE, text, file), text,
                        find(EVENT_ID, text, file), find(INCIDENT_ID, text, file)));
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no *.json in " + dir);
        }
        // a plausible lifecycle: triggered first, resolved last, the rest in between
        samples.sort(Comparator.comparingInt((Sample s) -> switch (s.type()) {
            case "incident.triggered" -> 0;
            case "incident.resolved" -> 2;
            default -> 1;
        }).thenComparing(Sample::name));
        return samples;
    }

    private static String find(Pattern pattern, String text, Path file) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(file + ": no match for " + pattern);
        }
        return m.group(1);
    }

    static void print(List<Result> results) {
        System.out.println();
        System.out.println("| run | requests | concurrency | req/s | p50 ms | p90 ms | p99 ms | max ms | statuses | non-2xx | failed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        for (Result r : results) {
            long non2xx = r.codes().entrySet().stream().filter(e -> e.getKey() / 100 != 2).mapToLong(Map.Entry::getValue).sum();
            System.out.printf("| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %s | %d | %d |%n",
                    r.name(), r.requests(), r.concurrency(), r.requests() / r.seconds(),
                    ms(r.sortedNanos(), 0.50), ms(r.sortedNanos(), 0.90), ms(r.sortedNanos(), 0.99),
                    r.sortedNanos()[r.sortedNanos().length - 1] / 1e6, r.codes(), non2xx, r.failures());
        }
    }

    /** Nearest-rank percentile of a sorted array, in milliseconds. */
    static double ms(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    static int[] pair(String spec) {
        String[] parts = spec.trim().split(":");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opt = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        return opt;
    }

    static String require(Map<String, String> opt, String name) {
        String value = opt.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
