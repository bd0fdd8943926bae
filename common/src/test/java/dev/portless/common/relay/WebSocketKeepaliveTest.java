package dev.portless.common.relay;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.Test;

class WebSocketKeepaliveTest {
    @Test
    void pingsAnIdleWebSocketStream() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketStreamAdapter(), new WebSocketKeepalive());

        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);

        PingWebSocketFrame ping = assertInstanceOf(PingWebSocketFrame.class, channel.readOutbound());
        ping.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void staysSilentBeforeTheUpgrade() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketKeepalive());

        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);

        assertNull(channel.readOutbound(), "no WebSocket frame before the connection is a WebSocket");
        channel.finishAndReleaseAll();
    }
}
