package io.postmortembridge;

import org.apache.camel.main.Main;

import io.postmortembridge.server.BusinessHttpServerFactory;

/** Starts the service from the directory holding {@code routes/} and {@code config/}. */
public final class Application {

    private Application() {
    }

    public static void main(String... args) throws Exception {
        create().run(args);
    }

    /** The service as it runs: configuration from {@code config/}, routes from {@code routes/}. */
    public static Main create() {
        Main main = new Main();
        // config/local.properties, if there, holds an installation's own settings: upgrades replace
        // config/application.properties, never that file. Of two locations that set a key, the first wins.
        main.setPropertyPlaceholderLocations(
                "file:config/local.properties;optional=true,file:config/application.properties");
        // the business HTTP server (camel.server.*, server.*) is created from the registry, before configurations run
        main.bind("businessHttpServerFactory", new BusinessHttpServerFactory());
        main.configure().addConfiguration(BridgeConfiguration.class);
        return main;
    }
}
