package dev.portless.connector.edge.access;

import dev.portless.common.resume.ResumeProtocol;
import dev.portless.common.wire.AccessHeaders;
import dev.portless.common.wire.TunnelProtocol;
import dev.portless.connector.edge.access.StreamAdmission.Ticket;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The tunnel stream request that carries a client's TCP stream to the connector: the edge's metadata, the bastion
 * destination the client asked for and the client's resume headers (a WebSocket stream to a web app carries the
 * last two as well).
 */
final class TcpStreamRequest {
    private TcpStreamRequest() {}

    /** Returns the stream request for a TCP stream to {@code host}, let in by {@code ticket}, asked with {@code headers}. */
    static Http2Headers of(Ticket ticket, String host, HttpHeaders headers) {
        return withResume(
                withJumpDestination(
                        ticket.metadata(new DefaultHttp2Headers()
                                .method("POST")
                                .scheme("https")
                                .authority(host)
                                .path(TunnelProtocol.STREAM_PATH)),
                        headers),
                headers);
    }

    /** Returns {@code request} with the bastion destination the client asked for in {@code headers}, if any. */
    static Http2Headers withJumpDestination(Http2Headers request, HttpHeaders headers) {
        String jump = headers.get(AccessHeaders.JUMP_DESTINATION);
        jump = jump != null ? jump : headers.get(AccessHeaders.CF_JUMP_DESTINATION);
        return jump == null ? request : request.set(TunnelProtocol.JUMP_DESTINATION, jump);
    }

    /** Returns the id of the stream a resume request names, or null for any other request. */
    static String resumedStream(HttpHeaders headers) {
        String resume = headers.get(ResumeProtocol.RESUME);
        return resume == null || resume.equals(ResumeProtocol.NEW) ? null : resume;
    }

    /**
     * Returns {@code request} with the client's resume headers, if any: the connector reads them, the
     * edge keeps no stream state of its own.
     */
    static Http2Headers withResume(Http2Headers request, HttpHeaders headers) {
        for (String name : new String[] {ResumeProtocol.RESUME, ResumeProtocol.SECRET, ResumeProtocol.RECEIVED}) {
            String value = headers.get(name);
            if (value != null) {
                request.set(name, value);
            }
        }
        return request;
    }
}
