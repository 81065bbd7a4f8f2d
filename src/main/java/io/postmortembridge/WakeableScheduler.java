package io.postmortembridge;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.support.DefaultScheduledPollConsumerScheduler;

/**
 * The schedule of a {@code scheduler:} route that can also be woken: it polls on its delay as
 * usual (the safety net), and {@link #wake()} runs a poll soon, on the same thread, so work stored
 * a moment ago starts at once instead of at the next tick. A wake lingers a few milliseconds, and
 * the wakes that arrive meanwhile are one wake: work stored together is taken in one batch, one
 * transaction, rather than a poll per item. Used as {@code scheduler=#<bean>} with
 * {@code scheduler.delay=<ms>}.
 */
public final class WakeableScheduler extends DefaultScheduledPollConsumerScheduler {

    private final long lingerMicros;
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile Runnable poll;

    /** @param linger how long a wake waits for more work to arrive before the poll runs */
    public WakeableScheduler(Duration linger) {
        this.lingerMicros = linger.toNanos() / 1000;
    }

    @Override
    public void scheduleTask(Runnable task) {
        super.scheduleTask(task);
        this.poll = task;
    }

    /** Polls soon, unless a poll is already waiting to run. Safe to call from any thread, at any time. */
    public void wake() {
        ScheduledExecutorService executor = getScheduledExecutorService();
        Runnable task = poll;
        if (executor == null || task == null || !isStarted() || !woken.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(() -> {
                woken.set(false);
                task.run();
            }, lingerMicros, TimeUnit.MICROSECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: the poll at the next start picks the work up
            woken.set(false);
        }
    }
}
