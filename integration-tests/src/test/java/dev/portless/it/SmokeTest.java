package dev.portless.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portless.it.harness.PortlessStack;
import dev.portless.it.peers.EchoServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void bytesGoThereAndBack() throws Exception {
        try (EchoServer echo = EchoServer.start();
                PortlessStack stack = PortlessStack.builder()
                        .app("echo.portless.test", "tcp://127.0.0.1:" + echo.port())
                        .build()
                        .start()) {
            PortlessStack.AccessTcp tcp = stack.accessTcp("echo.portless.test");
            try (Socket s = new Socket("127.0.0.1", tcp.port())) {
                OutputStream out = s.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
