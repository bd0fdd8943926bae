package dev.portless.connector.edge.access;

import dev.portless.common.wire.ErrorBody;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;
import java.util.Map;

/**
 * The edge's own answers on a web app's hostname: an error as a page a person understands, or as
 * the JSON error body for API clients (by {@code Accept}), and the test of whether a request is a
 * browser navigation that sign-in may redirect.
 */
final class WebAppAnswers {
    private WebAppAnswers() {}

    /** Returns the answer for an error {@code code} with {@code status} and its sentence. */
    static WebResponse error(HttpRequest request, int status, String code, String message, Map<String, String> extra) {
        if (prefersJson(request)) {
            return WebResponse.json(status, ErrorBody.json(code, message, extra));
        }
        return Pages.appError(status, title(status), message);
    }

    /** Returns whether {@code request} is a browser opening a page: GET or HEAD asking for HTML, no upgrade. */
    static boolean isNavigation(HttpRequest request) {
        HttpMethod m = request.method();
        return (HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m))
                && request.headers()
                        .get(HttpHeaderNames.ACCEPT, "")
                        .toLowerCase(Locale.ROOT)
                        .contains("text/html")
                && !request.headers().contains(HttpHeaderNames.UPGRADE);
    }

    /** Returns whether the request's Accept names JSON before (or without) HTML. */
    static boolean prefersJson(HttpRequest request) {
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "").toLowerCase(Locale.ROOT);
        int json = accept.indexOf(HttpHeaderValues.APPLICATION_JSON.toString());
        int html = accept.indexOf("text/html");
        return json >= 0 && (html < 0 || json < html);
    }

    private static String title(int status) {
        return switch (status) {
            case 401 -> "Sign-in required";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 502 -> "The app cannot be reached";
            case 503 -> "The app is unavailable";
            case 504 -> "The app did not answer in time";
            default -> "Request refused";
        };
    }
}
