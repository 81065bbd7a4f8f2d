package io.postmortembridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Self-test of the private server: stop really stops it, start again keeps the data, close leaves nothing. */
class PrivatePostgresTest {

    @Test
    void stopRefusesConnectionsAndStartAgainKeepsTheDataOnTheSamePort() throws SQLException {
        try (PrivatePostgres postgres = PrivatePostgres.start()) {
            String url = postgres.jdbcUrl();
            assertThat(url).startsWith("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/");
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE incident (id text PRIMARY KEY, summary text)");
                s.execute("INSERT INTO incident VALUES ('pagerduty-Q1', 'Checkout latency: ünïcode kept')");
            }

            try (Connection open = DriverManager.getConnection(url)) {
                postgres.stop();
                postgres.stop();

                assertThat(postgres.isRunning()).isFalse();
                assertThatThrownBy(() -> query(open, "SELECT 1")).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> DriverManager.getConnection(url))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
            }

            postgres.startAgain();
            postgres.startAgain();

            assertThat(postgres.isRunning()).isTrue();
            assertThat(postgres.jdbcUrl()).isEqualTo(url);
            try (Connection c = DriverManager.getConnection(url)) {
                assertThat(query(c, "SELECT summary FROM incident WHERE id = 'pagerduty-Q1'"))
                        .isEqualTo("Checkout latency: ünïcode kept");
                assertThat(query(c, "SHOW server_encoding")).isEqualTo("UTF8");
                assertThat(query(c, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(query(c, "SHOW unix_socket_directories")).isEmpty();
            }
        }
    }

    @Test
    void closeEndsEveryServerProcessAndDeletesTheDirectory() throws SQLException {
        PrivatePostgres postgres = PrivatePostgres.start();
        Path directory = postgres.directory();
        ProcessHandle postmaster = postgres.postmaster().orElseThrow();
        List<ProcessHandle> processes = new ArrayList<>(postmaster.descendants().toList());
        processes.add(postmaster);
        assertThat(processes).hasSizeGreaterThan(1);
        Connection open = DriverManager.getConnection(postgres.jdbcUrl());

        postgres.close();
        postgres.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(directory).doesNotExist();
        assertThatThrownBy(() -> query(open, "SELECT 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(postgres::startAgain).isInstanceOf(IllegalStateException.class);
        open.close();
    }

    @Test
    void closeOfAStoppedServerDeletesTheDirectory() {
        PrivatePostgres postgres = PrivatePostgres.start();
        Path directory = postgres.directory();
        assertThat(Files.isDirectory(directory.resolve("data"))).isTrue();
        postgres.stop();

        postgres.close();

        assertThat(directory).doesNotExist();
    }

    @Test
    void twoServersRunSideBySide() throws SQLException {
        try (PrivatePostgres first = PrivatePostgres.start(); PrivatePostgres second = PrivatePostgres.start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            first.stop();
            try (Connection c = DriverManager.getConnection(second.jdbcUrl())) {
                assertThat(query(c, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
