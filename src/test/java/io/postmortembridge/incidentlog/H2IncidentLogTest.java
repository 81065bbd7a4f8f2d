package io.postmortembridge.incidentlog;

import io.postmortembridge.testsupport.TestDatabases;

/** The incident log on the embedded H2 database every installation starts with. */
class H2IncidentLogTest extends IncidentLogContract {

    @Override
    String newDatabase() {
        return TestDatabases.h2();
    }

    @Override
    boolean servesReplicas() {
        return false;
    }
}
