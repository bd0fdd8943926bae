package dev.portless.access.login;

import dev.portless.access.edge.AccessException;
import dev.portless.access.edge.EdgeEndpoint;
import dev.portless.access.testing.FakeBrowser;
import dev.portless.access.token.TokenCache;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A stand-in for one {@code access} invocation, run as its own JVM by
 * {@link ParallelSignInTest}: several threads ask for the app's token at once, the way parallel
 * {@code access ssh} ProxyCommands do.
 *
 * <p>Arguments: edge, CA file, config directory, app, threads, and {@code follow} (a browser that
 * completes the sign-in) or {@code stall} (one that never comes back). Prints {@code READY}, then
 * {@code BROWSER} when it opens the browser, then one {@code TOKEN <sha-256>} or
 * {@code ERROR <sentence>} line per thread. Tokens themselves are never printed.
 */
public final class SignInProcess {
    private SignInProcess() {}

    public static void main(String[] args) throws Exception {
        EdgeEndpoint edge = EdgeEndpoint.parse(args[0]);
        Path ca = Path.of(args[1]);
        TokenCache cache = TokenCache.in(Path.of(args[2]));
        String app = args[3];
        int threads = Integer.parseInt(args[4]);
        boolean follow = args[5].equals("follow");
        FakeBrowser browser = new FakeBrowser(ca);
        BrowserOpener opener = uri -> {
            System.out.println("BROWSER");
            System.out.flush();
            if (follow) {
                browser.open(uri);
            }
        };
        PrintWriter err = new PrintWriter(System.err, true);
        SignInSettings settings = new SignInSettings(
                edge, app, Optional.of(ca), Duration.ofSeconds(10), Duration.ofSeconds(60), SignInFlow.BROWSER);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            // One AppSignIn per thread, like separate commands: nothing shared but the cache directory.
            AppSignIn signIn = new AppSignIn(settings, cache, opener, err);
            workers.add(new Thread(() -> {
                String line;
                try {
                    line = "TOKEN " + sha256(signIn.token().token());
                } catch (AccessException e) {
                    line = "ERROR " + e.getMessage();
                } catch (Exception e) {
                    line = "ERROR " + e;
                }
                synchronized (System.out) {
                    System.out.println(line);
                    System.out.flush();
                }
            }));
        }
        System.out.println("READY");
        System.out.flush();
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join();
        }
        System.exit(0);
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
