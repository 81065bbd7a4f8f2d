package io.postmortembridge.server;

import java.util.concurrent.ExecutionException;

import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * Camel's embedded Vert.x server for webhooks and the API, with what the service needs in front
 * of the routes: the {@link Gate}, the {@link Deadlines} and quiet {@link Failures}. The parent
 * creates Vert.x and binds the router the platform-http consumers register their paths on; this
 * class listens with a router of its own that mounts it behind those handlers (the parent's own
 * router, which is private to it, is left unused).
 */
final class BusinessHttpServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(BusinessHttpServer.class);

    private final VertxPlatformHttpServerConfiguration configuration;
    private final ServerTimeouts timeouts;
    private final Gate gate;
    private HttpServer server;

    BusinessHttpServer(VertxPlatformHttpServerConfiguration configuration, ServerTimeouts timeouts, Gate gate) {
        super(configuration);
        this.configuration = configuration;
        this.timeouts = timeouts;
        this.gate = gate;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        HealthCheckRegistry.get(getCamelContext()).register(new AcceptingRequestsCheck(gate));
    }

    @Override
    protected void startServer() throws Exception {
        Deadlines deadlines = new Deadlines(getVertx(), timeouts);
        Router router = Router.router(getVertx());
        router.route().handler(deadlines::headersRead);
        router.route().handler(gate::admit);
        router.route(configuration.getPath() + "*").subRouter(VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getPort())));
        router.route().failureHandler(new Failures(configuration.getMaxBodySize())::handle);
        router.errorHandler(404, gate::notFound);

        // HTTP/1.1 only: with h2c on, Vert.x holds a new connection unseen until its first bytes tell which
        // protocol it speaks, so a silent one escapes the deadlines
        server = getVertx().createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .connectionHandler(deadlines::opened)
                .requestHandler(router);
        await(server.listen(configuration.getBindPort(), configuration.getBindHost()));
        LOG.info("Business HTTP server listening on {}:{} ({} {}, {} {})", configuration.getBindHost(),
                server.actualPort(), ServerTimeouts.IDLE, timeouts.idle(), ServerTimeouts.READ, timeouts.read());
    }

    @Override
    protected void stopServer() {
        if (server == null) {
            return;
        }
        // as the parent does: a restarted context creates the component anew, on the new router
        getCamelContext().removeComponent(PlatformHttpConstants.PLATFORM_HTTP_COMPONENT_NAME);
        try {
            await(server.close());
        } catch (Exception e) {
            LOG.warn("Could not close the business HTTP server cleanly: {}", e.getMessage());
        } finally {
            server = null;
        }
    }

    /** The parent closes a Vert.x of its own on an executor that only its own startServer creates. */
    @Override
    protected void stopVertx() {
        Vertx vertx = getVertx();
        try {
            if (vertx != null && vertx != lookupVertx()) { // not one shared through the registry
                await(vertx.close());
            }
        } catch (Exception e) {
            LOG.warn("Could not close Vert.x cleanly: {}", e.getMessage());
        } finally {
            setVertx(null);
        }
    }

    /** Read by the platform-http engine for the port its consumers' router is named after. */
    @Override
    public HttpServer getServer() {
        return server;
    }

    @Override
    public int getPort() {
        return server == null ? super.getPort() : server.actualPort();
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
