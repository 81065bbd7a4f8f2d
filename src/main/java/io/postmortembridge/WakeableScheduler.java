package io.postmortembridge;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.support.DefaultScheduledPollConsumerScheduler;

/**
 * The schedule of a {@code scheduler:} route that can also be woken: it polls on its delay as
 * usual (the safety net), and {@link #wake()} runs a poll now, on the same thread, so work stored
 * a moment ago starts at once instead of at the next tick. Wakes that arrive while a poll is
 * waiting to run are one wake. Used as {@code scheduler=#<bean>} with {@code scheduler.delay=<ms>}.
 */
public final class WakeableScheduler extends DefaultScheduledPollConsumerScheduler {

    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile Runnable poll;

    @Override
    public void scheduleTask(Runnable task) {
        super.scheduleTask(task);
        this.poll = task;
    }

    /** Polls now, unless a poll is already waiting to run. Safe to call from any thread, at any time. */
    public void wake() {
        ScheduledExecutorService executor = getScheduledExecutorService();
        Runnable task = poll;
        if (executor == null || task == null || !isStarted() || !woken.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                woken.set(false);
                task.run();
            });
        } catch (RejectedExecutionException e) {
            // stopping: the poll at the next start picks the work up
            woken.set(false);
        }
    }
}
