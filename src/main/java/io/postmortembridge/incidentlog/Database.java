package io.postmortembridge.incidentlog;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The incident log's database: a connection pool that never waits longer than the connection
 * timeout, and a schema brought up to date once the database can be reached. The service starts
 * without its database and is not ready until {@link #migrate()} has succeeded.
 */
public final class Database implements AutoCloseable {

    private static final int POOL_SIZE = 10;

    private final String url;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ExecutorService probes;
    private volatile boolean migrated;
    private volatile String problem = "not connected yet";
    private CompletableFuture<String> probe;
    /** What the last check that finished found, null if the database answered. */
    private volatile String lastCheck;

    private Database(String url, HikariDataSource dataSource) {
        this.url = url;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        // Jdbi puts statements and their arguments (incident text) into exception messages, which end up in logs
        this.jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
        this.probes = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "incident-log-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A pool for the database, not yet connected: nothing here waits for the database.
     *
     * @param connectionTimeout the longest any caller waits for a connection; a webhook arriving
     *                          while the database is down is answered 503 after this long
     */
    public static Database connect(String url, String user, String password, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withCommandCache(url));
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("incident-log");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(connectionTimeout.toMillis(), 1000));
        // start even when the database is down; readiness says so until it is back
        config.setInitializationFailTimeout(-1);
        return new Database(url, new HikariDataSource(config));
    }

    /**
     * H2 keeps 8 parsed statements per connection by default, fewer than the incident log uses, and
     * parsing them again took a tenth of the service's time under load. PostgreSQL's driver keeps its
     * own. A URL that sets the size itself keeps it.
     */
    static String withCommandCache(String url) {
        return url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains("QUERY_CACHE_SIZE")
                ? url + ";QUERY_CACHE_SIZE=64" : url;
    }

    /** Connects and migrates, or throws: for tools and tests that need the database now. */
    public static Database open(String url, String user, String password) {
        Database database = connect(url, user, password, Duration.ofSeconds(10));
        if (!database.migrate()) {
            database.close();
            throw new IllegalStateException("the incident log database cannot be used: " + database.problem());
        }
        return database;
    }

    /**
     * Brings the schema up to date, once. Several replicas may do this at once against PostgreSQL:
     * Flyway takes a lock so the schema is migrated once.
     *
     * @return true when the schema is up to date; false with {@link #problem()} saying why not
     */
    public synchronized boolean migrate() {
        if (migrated) {
            return true;
        }
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            migrated = true;
            problem = null;
        } catch (RuntimeException e) {
            problem = describe(e);
        }
        return migrated;
    }

    /**
     * What a claim of queued work (inbox, outbox) adds to its query. PostgreSQL serves replicas: a
     * claim locks its rows and skips those another replica holds. H2 serves one process, with one
     * thread claiming each queue, so a claim needs no locks there; and H2 parses a locking query
     * anew every time, which cost a tenth of the service's time under load.
     */
    String claimLocking() {
        return url.startsWith("jdbc:h2:") ? "" : "FOR UPDATE SKIP LOCKED";
    }

    public boolean isMigrated() {
        return migrated;
    }

    /** Why the database cannot be used, or null. */
    public String problem() {
        return problem;
    }

    /**
     * For readiness: null when the database answers within {@code wait}, else what is wrong. Checks
     * run one at a time; a caller that arrives while one runs waits for that one, so a slow database
     * is never asked more than once at a time however often readiness is probed.
     */
    public String check(Duration wait) {
        if (!migrated) {
            return "the incident log database is not ready: " + problem;
        }
        CompletableFuture<String> running;
        synchronized (this) {
            if (probe == null || probe.isDone()) {
                probe = CompletableFuture.supplyAsync(this::answers, probes);
            }
            running = probe;
        }
        try {
            return running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // a database that refuses connections keeps each check waiting for the pool's timeout: say what the
            // last one found rather than only that this one is slow
            String known = lastCheck;
            return known != null ? known
                    : "the incident log database did not answer within " + wait.toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking the incident log database";
        } catch (ExecutionException e) {
            return "the incident log database is unreachable: " + describe(e.getCause());
        }
    }

    private String answers() {
        String found;
        try {
            Integer one = jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            found = one == 1 ? null : "the incident log database gave an unexpected answer";
        } catch (RuntimeException e) {
            found = "the incident log database is unreachable: " + describe(e);
        }
        lastCheck = found;
        return found;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        probes.shutdownNow();
        dataSource.close();
    }

    /**
     * A database failure in words safe for a log: connection problems as the driver says them
     * (they name a host, not data); anything else by its SQL state only, because drivers put the
     * offending values, which are incident text, into their messages.
     */
    public static String describe(Throwable failure) {
        String connection = null;
        SQLException other = null;
        // the innermost connection error names the cause (refused, unknown host); the pool's own says only "timed out"
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (isConnectionError(t)) {
                connection = firstLine(String.valueOf(t.getMessage()));
            } else if (t instanceof SQLException sql && other == null) {
                other = sql;
            }
        }
        if (connection != null) {
            return connection;
        }
        if (other != null) {
            return "SQL error " + other.getSQLState() + " (" + other.getClass().getSimpleName() + ")";
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    /** True when the failure is the database being out of reach, not something about the statement. */
    public static boolean isConnectionProblem(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (isConnectionError(t)) {
                return true;
            }
        }
        return false;
    }

    /** True when a statement failed (not the connection): its message may hold the statement's values. */
    public static boolean isStatementError(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException && !isConnectionError(t)) {
                return true;
            }
        }
        return false;
    }

    /** Connection exceptions (SQL state class 08), and a server shutting down or starting up (57P01-57P03). */
    private static boolean isConnectionError(Throwable t) {
        if (t instanceof SQLTransientConnectionException) {
            return true;
        }
        String state = t instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
