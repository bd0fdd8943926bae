package dev.portless.access.cli;

import dev.portless.access.curl.CurlCommandLine;
import dev.portless.access.curl.CurlRun;
import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.Credentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code access curl URL [curl args]}: the system's curl with the app's credentials. */
@Command(
        name = "curl",
        mixinStandardHelpOptions = true,
        description = {
            "Run curl on a web app's URL with your credentials for it: the service token when one is set,",
            "else your app token (signing in through the browser when needed). The credentials reach curl",
            "through a private header file, never its command line. Everything after URL goes to curl;",
            "the exit code is curl's.",
            "  access curl https://grafana.example.com/api/health -sS --fail"
        })
final class CurlCommand implements Callable<Integer> {
    /** cloudflared's header for an app token; it leaves {@code Authorization} to the origin. */
    static final String APP_TOKEN_HEADER = "cf-access-token";

    @Spec
    CommandSpec spec;

    @ParentCommand
    AccessCommand parent;

    @Parameters(index = "0", paramLabel = "URL", description = "the app's URL, e.g. https://grafana.example.com/")
    String url;

    @Parameters(index = "1..*", paramLabel = "CURL_ARG", description = "arguments for curl, after the URL")
    List<String> curlArgs = new ArrayList<>();

    @Mixin
    EdgeOptions edgeOptions = new EdgeOptions();

    @Override
    public Integer call() throws AccessException, InterruptedException {
        Map<String, String> env = parent.env();
        String hostname = AppName.parse(CurlCommandLine.host(url));
        Map<String, String> headers = new LinkedHashMap<>();
        Optional<Credentials> serviceToken = edgeOptions.serviceToken(env);
        if (serviceToken.isPresent()) {
            serviceToken.get().forEachHeader(headers::put);
        } else {
            String token = edgeOptions
                    .login
                    .signIn(
                            edgeOptions.location,
                            hostname,
                            env,
                            spec.commandLine().getErr())
                    .token()
                    .token();
            headers.put(APP_TOKEN_HEADER, token);
        }
        CurlRun run = new CurlRun(CurlCommandLine.curl(env), headers, edgeOptions.location.ca(env));
        return run.run(url, curlArgs);
    }
}
