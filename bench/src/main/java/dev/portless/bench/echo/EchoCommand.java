package dev.portless.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench echo}: the echo target, until killed. */
@Command(name = "echo", mixinStandardHelpOptions = true, description = "Run a TCP echo server until killed.")
public final class EchoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "0", description = "port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--port-file", paramLabel = "FILE", description = "write the port here once listening")
    Path portFile;

    @Option(names = "--threads", defaultValue = "1", description = "event loops (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("--threads: " + threads + " (expected: 1..64)");
        }
        EchoServer server = EchoServer.start(new InetSocketAddress(bind, port), threads);
        int bound = server.address().getPort();
        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, bound + "\n");
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        spec.commandLine().getOut().println("echo: listening on " + bind + ":" + bound);
        spec.commandLine().getOut().flush();
        server.closeFuture().await();
        return 0;
    }
}
