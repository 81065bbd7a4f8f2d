package io.postmortembridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bundled example in {@code examples/pagerduty/}: one PagerDuty incident (Q3B15VLMF3ASBD, P2)
 * as six V3 deliveries, from escalation to resolution, in the order PagerDuty sent them. The review
 * rule drafts it from the webhooks alone.
 */
public final class ExampleIncident {

    public static final String ID = "Q3B15VLMF3ASBD";

    /** One delivery: its file name (a fine delivery id) and its body, byte for byte. */
    public record Delivery(String name, byte[] body) {
    }

    private ExampleIncident() {
    }

    /** The deliveries, in the order they were sent. */
    public static List<Delivery> deliveries() {
        try (Stream<Path> files = Files.list(Path.of("examples", "pagerduty"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .map(f -> new Delivery(f.getFileName().toString(), read(f))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
