package io.postmortembridge.incidentlog;

import java.time.Duration;

/**
 * @param batchSize      tasks taken per poll
 * @param lease          how long a claimed task is reserved for its runner before others may take it
 * @param initialBackoff wait before the first retry; doubles per attempt
 * @param maxBackoff     the longest wait between retries, unless the other side asks for longer
 */
public record OutboxSettings(int batchSize, Duration lease, Duration initialBackoff, Duration maxBackoff) {
}
