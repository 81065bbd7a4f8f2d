package io.postmortembridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;

/**
 * A PostgreSQL server of the test's own, which the test may stop under a running service and start
 * again. The shared server at 127.0.0.1:5432 ({@link TestDatabases}) is used by other tests and
 * people at the same time and must never be stopped; this one belongs to one test.
 *
 * <p>{@link #start()} makes a fresh cluster in a new directory under {@code java.io.tmpdir} and
 * starts it on a free port on 127.0.0.1, with no unix socket and trust authentication.
 * {@link #stop()} (fast mode: sessions are terminated, new connections refused) and
 * {@link #startAgain()} keep the data and the port, so a running service's pool can reconnect to the
 * same {@link #jdbcUrl()}. Durability is off (fsync, synchronous_commit, full_page_writes): committed
 * rows survive any stop of the server, not a crash of the machine.
 *
 * <p>It runs the server binaries of the machine, the highest version under
 * {@code /usr/lib/postgresql/<version>/bin} (the Debian {@code postgresql} package), or those in
 * {@code TEST_POSTGRES_BIN}. initdb and postgres refuse to run as root, so when the tests run as root
 * (CI) they run as the OS user {@code postgres} through {@code runuser}, which owns the directory.
 *
 * <p>Measured on the 2-CPU development machine: {@link #start()} about 1.5 s (nearly all of it
 * initdb), {@link #stop()} and {@link #startAgain()} about 0.1 s each, {@link #close()} about 0.15 s.
 *
 * <p>{@link #close()} stops the server and deletes its directory. A shutdown hook does the same for
 * an instance a test never closed, and {@link #start()} clears what a killed test JVM left behind.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final String PREFIX = "private-postgres-";
    private static final String OWNER_FILE = "owner.pid";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final boolean ROOT = new UnixSystem().getUid() == 0;
    private static final Path DEBIAN_BINARIES = Path.of("/usr/lib/postgresql");
    private static final List<String> SETTINGS = List.of(
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "shared_buffers = 32MB");

    private final Path bin;
    private final Path directory;
    private final List<String> asOwner;
    private Thread shutdownHook;
    private int port;
    private boolean running;
    private boolean closed;

    private PrivatePostgres(Path bin, Path directory, List<String> asOwner) {
        this.bin = bin;
        this.directory = directory;
        this.asOwner = asOwner;
    }

    /** A fresh cluster, started and accepting connections. */
    public static PrivatePostgres start() {
        Path bin = binaries();
        clearLeftovers(bin);
        Path directory = createDirectory();
        PrivatePostgres postgres = new PrivatePostgres(bin, directory, asOwner());
        postgres.shutdownHook = new Thread(postgres::close, "private-postgres-cleanup");
        Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
        try {
            postgres.initdb();
            postgres.startOnFreePort();
            return postgres;
        } catch (RuntimeException e) {
            try {
                postgres.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The database {@code postgres} as the superuser {@code postgres}; the same across stop and start. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** Stops the server in fast mode and returns once it is down; does nothing if it is down. */
    public synchronized void stop() {
        requireOpen();
        if (!running) {
            return;
        }
        Result result = pgCtl("stop", "-m", "fast");
        if (result.exitCode != 0) {
            throw failure("pg_ctl stop", result);
        }
        running = false;
    }

    /** Starts the stopped server on the same port and returns once it accepts connections. */
    public synchronized void startAgain() {
        requireOpen();
        if (running) {
            return;
        }
        Result result = pgCtlStart();
        if (result.exitCode != 0) {
            throw failure("pg_ctl start on port " + port + " (is the port taken by now?)", result);
        }
        running = true;
    }

    /** Stops the server at once (immediate mode), whatever it is doing, and deletes its directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        try {
            destroy();
        } finally {
            if (Thread.currentThread() != shutdownHook && shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway, and finds this instance closed
                }
            }
        }
    }

    Path directory() {
        return directory;
    }

    /** The server's main process, if one runs for this directory. */
    Optional<ProcessHandle> postmaster() {
        Path pidFile = data().resolve("postmaster.pid");
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            // a stale pid file may name a process that is no server of ours: check its command line
            return ProcessHandle.of(pid).filter(process -> process.info().commandLine()
                    .map(line -> line.contains(data().toString())).orElse(false));
        } catch (IOException | RuntimeException noServer) {
            return Optional.empty();
        }
    }

    private Path data() {
        return directory.resolve("data");
    }

    private Path serverLog() {
        return directory.resolve("server.log");
    }

    private void initdb() {
        Result result = run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(),
                "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        if (result.exitCode != 0) {
            throw failure("initdb", result);
        }
        try {
            // appending keeps the file's owner, the postgres user when running as root
            Files.write(data().resolve("postgresql.conf"), SETTINGS, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free port can be taken by someone else before the server binds it: try another. */
    private void startOnFreePort() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Result result = pgCtlStart();
            if (result.exitCode == 0) {
                running = true;
                return;
            }
            if (attempt == 3 || !readServerLog().contains("could not bind")) {
                throw failure("pg_ctl start on port " + port, result);
            }
        }
    }

    private Result pgCtlStart() {
        return pgCtl("start", "-l", serverLog().toString(), "-o", "-p " + port);
    }

    private Result pgCtl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(),
                "-w", "-t", Long.toString(TIMEOUT.toSeconds())));
        command.addAll(1, List.of(arguments));
        return run(command);
    }

    /** Immediate stop, a kill if that fails, then the directory goes. */
    private void destroy() {
        Optional<ProcessHandle> postmaster = postmaster();
        if (postmaster.isPresent()) {
            List<ProcessHandle> processes = new ArrayList<>(postmaster.get().descendants().toList());
            processes.add(postmaster.get());
            try {
                pgCtl("stop", "-m", "immediate");
            } catch (RuntimeException e) {
                // killed below
            }
            processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        deleteRecursively(directory);
    }

    private IllegalStateException failure(String what, Result result) {
        String log = readServerLog();
        return new IllegalStateException(what + " failed with exit code " + result.exitCode + " in " + directory
                + ":\n" + result.output + (log.isEmpty() ? "" : "\nserver log:\n" + log));
    }

    private String readServerLog() {
        try {
            return Files.exists(serverLog()) ? Files.readString(serverLog()) : "";
        } catch (IOException e) {
            return "(cannot read " + serverLog() + ": " + e + ")";
        }
    }

    private Result run(List<String> command) {
        List<String> full = new ArrayList<>(asOwner);
        full.addAll(command);
        Path output = null;
        try {
            output = Files.createTempFile(PREFIX + "command-", ".log");
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    // a file, not a pipe: the server pg_ctl leaves running must hold nothing of ours
                    .redirectOutput(output.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish within "
                        + (TIMEOUT.toSeconds() + 30) + " s:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", full)
                    + (asOwner.isEmpty() ? "" : " (runuser, from util-linux, runs PostgreSQL as user postgres"
                            + " when the tests run as root)"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", full), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a stray file in the temp directory
                }
            }
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** The highest installed version's server binaries, or those in TEST_POSTGRES_BIN. */
    static Path binaries() {
        String configured = System.getenv("TEST_POSTGRES_BIN");
        List<Path> candidates;
        if (configured != null && !configured.isBlank()) {
            candidates = List.of(Path.of(configured));
        } else {
            try (Stream<Path> versions = Files.isDirectory(DEBIAN_BINARIES) ? Files.list(DEBIAN_BINARIES) : Stream.empty()) {
                candidates = versions.filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)*"))
                        .sorted(Comparator.comparing((Path dir) -> Runtime.Version.parse(dir.getFileName().toString()))
                                .reversed())
                        .map(dir -> dir.resolve("bin"))
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        for (Path candidate : candidates) {
            if (Stream.of("initdb", "pg_ctl", "postgres").allMatch(name -> Files.isExecutable(candidate.resolve(name)))) {
                return candidate;
            }
        }
        throw new IllegalStateException("PrivatePostgres needs the PostgreSQL server binaries initdb, pg_ctl and postgres, "
                + (configured != null && !configured.isBlank()
                        ? "and TEST_POSTGRES_BIN=" + configured + " does not hold all three"
                        : "and found none under " + DEBIAN_BINARIES + "/<version>/bin: install the postgresql package"
                                + " (apt-get install postgresql), or set TEST_POSTGRES_BIN to the directory holding them"));
    }

    /** A new directory under java.io.tmpdir, marked with this JVM's pid, owned by whoever runs the server. */
    private static Path createDirectory() {
        try {
            Path directory = Files.createTempDirectory(PREFIX);
            Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            if (ROOT) {
                try {
                    Files.setOwner(directory,
                            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
                } catch (UserPrincipalNotFoundException e) {
                    deleteRecursively(directory);
                    throw new IllegalStateException("the tests run as root, and PostgreSQL refuses to run as root:"
                            + " PrivatePostgres runs it as the OS user postgres, which does not exist here"
                            + " (the postgresql package creates it)", e);
                }
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As root, the command prefix that runs the binaries as the user postgres; otherwise none. */
    private static List<String> asOwner() {
        if (!ROOT) {
            return List.of();
        }
        String runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser")
                .filter(path -> Files.isExecutable(Path.of(path)))
                .findFirst().orElse("runuser");
        return List.of(runuser, "-u", "postgres", "--");
    }

    /** Servers and directories of test JVMs that were killed before they could close them. */
    private static void clearLeftovers(Path bin) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path directory : directories) {
                long owner;
                try {
                    owner = Long.parseLong(Files.readString(directory.resolve(OWNER_FILE)).trim());
                } catch (IOException | NumberFormatException | SecurityException notOurs) {
                    continue; // being made right now, another user's, or not a directory of this class
                }
                if (ProcessHandle.of(owner).isEmpty()) {
                    try {
                        new PrivatePostgres(bin, directory, asOwner()).destroy();
                    } catch (RuntimeException e) {
                        // best effort: the next start tries again
                    }
                }
            }
        } catch (IOException e) {
            // nothing to clear
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this PrivatePostgres is closed");
        }
    }
}
