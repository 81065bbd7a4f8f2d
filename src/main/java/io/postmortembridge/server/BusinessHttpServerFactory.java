package io.postmortembridge.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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
        requireFree(properties.getPort(), "camel.server.port", "CAMEL_SERVER_PORT");
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
        requireFree(properties.getPort(), "camel.management.port", "CAMEL_MANAGEMENT_PORT");
        return camelDefaults.newHttpManagementServer(camel, properties);
    }

    /**
     * The servers bind after start-up and only log when their port is taken, leaving a service that
     * runs without its ports (and a readiness probe answered by whatever holds them): checked here,
     * on the port the server is given, so such a start fails instead.
     */
    private static void requireFree(int port, String property, String env) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + property + ", " + env + ") is already in use: "
                    + "stop what listens on it, or set " + env + " to a free port");
        }
    }

    private static void unsupported(boolean set, String property, String instead) {
        if (set) {
            throw new IllegalArgumentException(property + " is not supported by postmortem-bridge's HTTP server: "
                    + "remove it (" + instead + ")");
        }
    }
}
