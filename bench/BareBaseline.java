import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The floor the webhook intake is compared with: the smallest Camel Main application that answers
 * {@code POST /webhooks/pagerduty} with 202 and a small JSON body, on the same Camel, platform-http
 * and Vert.x as the service (it runs on the service's own shaded jar). No signature check, no
 * parsing, no database: whatever the service costs above this is the service's own work.
 *
 * <pre>
 * java -cp target/postmortem-bridge.jar bench/BareBaseline.java --port 18080 --management-port 19876
 * </pre>
 *
 * Configured here in code, not from the service's {@code config/} or {@code routes/}. It is ready
 * when {@code GET :<management port>/observe/health/ready} answers 200, as the service is.
 */
public class BareBaseline {

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        int port = Integer.parseInt(require(opt, "--port"));
        int managementPort = Integer.parseInt(require(opt, "--management-port"));

        Main main = new Main();
        main.configure().withName("bare-baseline");
        // The same servers the service runs: platform-http on Vert.x for the business port, and the
        // management server for the readiness check the bench script waits for.
        main.configure().httpServer()
                .withEnabled(true)
                .withPort(port)
                .withMaxBodySize(1_048_576L); // as the service's camel.server.max-body-size
        main.configure().httpManagementServer()
                .withEnabled(true)
                .withPort(managementPort)
                .withHealthCheckEnabled(true);
        main.configure().addRoutesBuilder(new AcceptWebhook());
        main.run();
    }

    /** Reads the body, as the service does before it checks the signature, and answers 202. */
    static final class AcceptWebhook extends RouteBuilder {
        @Override
        public void configure() {
            from("platform-http:/webhooks/pagerduty?httpMethodRestrict=POST&consumes=application/json&muteException=true")
                    .routeId("bare-webhook")
                    .convertBodyTo(byte[].class)
                    .removeHeaders("*")
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(202))
                    .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                    .setBody(constant("{\"status\":\"accepted\"}"));
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opt = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        return opt;
    }

    static String require(Map<String, String> opt, String name) {
        String value = opt.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}
