package io.postmortembridge.server;

import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;

/**
 * Creates the business HTTP server ({@code camel.server.*}) as a {@link BusinessHttpServer}, and
 * the management server ({@code camel.management.*}) as Camel does. Camel Main takes a factory
 * from the registry before its own, and creates the servers while it configures itself, before
 * any {@code CamelConfiguration} runs: so this is bound in {@code Application.create()}.
 */
public final class BusinessHttpServerFactory implements MainHttpServerFactory {

    private final DefaultMainHttpServerFactory camelDefaults = new DefaultMainHttpServerFactory();

    @Override
    public Service newHttpServer(CamelContext camel, HttpServerConfigurationProperties properties) {
        unsupported(properties.isStaticEnabled(), "camel.server.static-enabled", "pages are served by routes");
        unsupported(properties.isAuthenticationEnabled(), "camel.server.authentication-enabled",
                "authenticate in front of the service");
        unsupported(properties.isUseGlobalSslContextParameters(), "camel.server.use-global-ssl-context-parameters",
                "terminate TLS in front of the service");
        ServerTimeouts timeouts = ServerTimeouts.read(key -> camel.getPropertiesComponent().resolveProperty(key)
                .orElse(""));
        // Camel's mapping of camel.server.* (host, port, path, max-body-size, uploads), without its server
        VertxPlatformHttpServerConfiguration configuration =
                ((MainHttpServer) camelDefaults.newHttpServer(camel, properties)).getConfiguration();
        configuration.setServerType(VertxPlatformHttpRouter.SERVER_TYPE_SERVER);
        Gate gate = new Gate();
        camel.getManagementStrategy().addEventNotifier(gate);
        return new BusinessHttpServer(configuration, timeouts, gate);
    }

    @Override
    public Service newHttpManagementServer(CamelContext camel, HttpManagementServerConfigurationProperties properties) {
        return camelDefaults.newHttpManagementServer(camel, properties);
    }

    private static void unsupported(boolean set, String property, String instead) {
        if (set) {
            throw new IllegalArgumentException(property + " is not supported by postmortem-bridge's HTTP server: "
                    + "remove it (" + instead + ")");
        }
    }
}
