package dev.portless.access.login;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The small HTML pages the loopback listener answers the browser with.
 */
final class CallbackPages {
    private CallbackPages() {}

    static FullHttpResponse signedIn() {
        return page(
                HttpResponseStatus.OK,
                "Signed in — you can close this tab",
                "Go back to your terminal: <code>access</code> has what it needs.");
    }

    static FullHttpResponse failed(String sentence) {
        return page(HttpResponseStatus.BAD_REQUEST, "Sign-in failed", escape(sentence));
    }

    /** Returns a redirect to {@code page}, an edge page that says more than this listener can. */
    static FullHttpResponse seeOther(URI page) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER);
        r.headers()
                .set(HttpHeaderNames.LOCATION, page.toString())
                .set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("Referrer-Policy", "no-referrer");
        return r;
    }

    static FullHttpResponse status(HttpResponseStatus status, String message) {
        return page(status, status.reasonPhrase(), escape(message));
    }

    /** Writes {@code response} and closes the connection: each page ends the browser's use of it; returns the write. */
    static ChannelFuture send(Channel browser, FullHttpResponse response) {
        return browser.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static FullHttpResponse page(HttpResponseStatus status, String title, String body) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + " · Portless</title><style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;"
                + "padding:0 1em}</style></head><body><h1>" + escape(title) + "</h1><p>" + body + "</p></body></html>";
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(html, StandardCharsets.UTF_8));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                // The URL held the code: keep it out of any Referer and keep the page inert.
                .set("Referrer-Policy", "no-referrer")
                .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        return r;
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
