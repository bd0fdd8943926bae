package dev.portless.connector.origin;

import static java.util.Objects.requireNonNull;

import dev.portless.common.relay.EndOfStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import java.nio.charset.StandardCharsets;

/**
 * The built-in page of {@code service: hello-world}: the connector itself answers with a small HTML page
 * naming the app, who signed in and the request, so a first try needs no web app behind the tunnel.
 */
public final class HelloWorldPage {
    private HelloWorldPage() {}

    /** Answers {@code request} on {@code stream}, whose pipeline ends with {@code Http2StreamAdapter}. */
    public static void answer(Channel stream, WebRequest request) {
        requireNonNull(stream, "stream");
        requireNonNull(request, "request");
        byte[] body = html(request).getBytes(StandardCharsets.UTF_8);
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.status("200")
                .set("content-type", "text/html; charset=utf-8")
                .setInt("content-length", body.length)
                .set("cache-control", "no-store")
                .set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'");
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        stream.write(Unpooled.wrappedBuffer(body));
        stream.writeAndFlush(EndOfStream.INSTANCE).addListener(ChannelFutureListener.CLOSE);
    }

    static String html(WebRequest r) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hello from "
                + escape(r.hostname()) + "</title>\n<style>body{font-family:system-ui,sans-serif;max-width:40em;"
                + "margin:3em auto;line-height:1.5}code{background:#eee;padding:0 .2em}</style></head>\n<body>\n"
                + "<h1>Hello from " + escape(r.hostname()) + "</h1>\n"
                + "<p>This page comes from the Portless connector: the tunnel works. Point the ingress rule's "
                + "<code>service</code> at your web app to publish it.</p>\n<dl>\n"
                + "<dt>Signed in as</dt><dd>" + escape(r.verified().displayName()) + "</dd>\n"
                + "<dt>Request</dt><dd><code>" + escape(r.method()) + ' ' + escape(r.path()) + "</code></dd>\n"
                + "<dt>Stream</dt><dd><code>" + escape(r.streamId()) + "</code></dd>\n"
                + "</dl>\n</body></html>\n";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
