package dev.portless.connector.edge.access;

import dev.portless.common.wire.ErrorBody;
import dev.portless.connector.edge.pages.Pages;
import dev.portless.connector.edge.pages.WebResponse;
import dev.portless.connector.edge.web.ProxiedHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Locale;
import java.util.Map;

/**
 * The edge's own answers on a web app's hostname: an error as a page a person understands, or as
 * the JSON error body for API clients (by {@code Accept}), the HTTP/1.1 head of a connector's
 * answer, and the test of whether a request is a browser navigation that sign-in may redirect.
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

    /** Returns the status of the connector's answer {@code headers}; 0 when it has none, or not a number. */
    static int status(Http2Headers headers) {
        CharSequence status = headers.status();
        try {
            return status == null ? 0 : Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Returns the HTTP/1.1 head for the connector's answer {@code headers}, status {@code code}, to
     * {@code request}: its end-to-end headers, chunked when a body of unknown length follows, and
     * {@code Connection: close} when {@code close}.
     */
    static HttpResponse proxied(HttpRequest request, Http2Headers headers, int code, boolean endStream, boolean close) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
        ProxiedHeaders.response(headers, response.headers());
        boolean bodyless = endStream || HttpMethod.HEAD.equals(request.method()) || code == 204 || code == 304;
        if (!bodyless && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
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
