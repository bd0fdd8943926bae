package dev.portless.connector.edge.access;

import dev.portless.connector.edge.pages.WebRequest;
import dev.portless.connector.edge.pages.WebResponse;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The translation between Netty's HTTP objects and the edge's {@link WebRequest} and
 * {@link WebResponse}, adding the headers every plain HTTP answer carries.
 */
final class WebExchange {
    private WebExchange() {}

    static WebRequest request(FullHttpRequest request, InetAddress client) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri(), StandardCharsets.UTF_8);
        Set<String> duplicated = new HashSet<>();
        Map<String, String> query = firstValues(uri.parameters(), duplicated);
        Map<String, String> form = Map.of();
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
        if (type.startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())) {
            String body = request.content().toString(StandardCharsets.UTF_8);
            form = firstValues(new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters(), duplicated);
        }
        String json = type.startsWith("application/json") ? request.content().toString(StandardCharsets.UTF_8) : "";
        Map<String, String> cookies = new HashMap<>();
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
                cookies.putIfAbsent(c.name(), c.value());
            }
        }
        return new WebRequest(
                request.method().name(),
                uri.path(),
                query,
                form,
                duplicated,
                cookies,
                request.headers().copy(),
                client,
                json);
    }

    static FullHttpResponse response(WebResponse web, boolean keepAlive, boolean head, ByteBufAllocator alloc) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(web.status()),
                head || web.body().length == 0
                        ? Unpooled.EMPTY_BUFFER
                        : alloc.buffer(web.body().length).writeBytes(web.body()));
        HttpHeaders h = response.headers();
        web.headers().forEach(e -> h.add(e.getKey(), e.getValue()));
        if (!h.contains(HttpHeaderNames.CACHE_CONTROL)) {
            h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own form posts.
        h.set("Referrer-Policy", "same-origin");
        h.set(HttpHeaderNames.CONTENT_LENGTH, web.body().length);
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static Map<String, String> firstValues(Map<String, List<String>> params, Set<String> duplicated) {
        Map<String, String> first = new HashMap<>();
        params.forEach((name, values) -> {
            first.put(name, values.get(0));
            if (values.size() > 1) {
                duplicated.add(name);
            }
        });
        return first;
    }
}
