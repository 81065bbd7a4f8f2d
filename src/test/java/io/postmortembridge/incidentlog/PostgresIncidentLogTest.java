package io.postmortembridge.incidentlog;

import io.postmortembridge.testsupport.TestDatabases;

/**
 * The incident log on PostgreSQL, which replicas share: the same contract, against the PostgreSQL
 * of the development machine, each test in a schema of its own.
 */
class PostgresIncidentLogTest extends IncidentLogContract {

    @Override
    String newDatabase() {
        return TestDatabases.postgres();
    }

    @Override
    void dropDatabase(String url) {
        TestDatabases.dropPostgres(url);
    }
}
