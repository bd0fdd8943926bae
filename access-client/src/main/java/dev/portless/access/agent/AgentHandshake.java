package dev.portless.access.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lines a front sends before its stream, read one at a time: {@code portless-agent 1}, then
 * {@code secret S}, any number of {@code arg A} and {@code env NAME=VALUE}, and {@code go}. A wrong first
 * line, a wrong secret or a line out of order ends the handshake with the sentence for the user.
 */
final class AgentHandshake {
    static final String GREETING = "portless-agent 1";

    private final byte[] secret;
    private final int maxLines;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private int lines;
    private boolean greeted;
    private boolean authenticated;

    AgentHandshake(String secret, int maxLines) {
        this.secret = secret.getBytes(StandardCharsets.US_ASCII);
        this.maxLines = maxLines;
    }

    /**
     * Takes one line; returns the request once {@code go} arrives, else null.
     *
     * @throws Refusal when the front must be refused, with the sentence it prints
     */
    AgentRequest accept(String line) throws Refusal {
        if (++lines > maxLines) {
            throw new Refusal("the request to the agent has more than " + maxLines + " lines");
        }
        if (!greeted) {
            if (!line.equals(GREETING)) {
                throw new Refusal("the agent speaks \"" + GREETING + "\" only; update the access launcher");
            }
            greeted = true;
            return null;
        }
        if (!authenticated) {
            byte[] offered =
                    line.startsWith("secret ") ? line.substring(7).getBytes(StandardCharsets.US_ASCII) : new byte[0];
            // Constant time: the comparison must not tell how much of a guess was right.
            if (!MessageDigest.isEqual(offered, secret)) {
                throw new Refusal("the agent refused the secret; its endpoint file is stale or was replaced");
            }
            authenticated = true;
            return null;
        }
        if (line.equals("go")) {
            return new AgentRequest(args, env);
        }
        if (line.startsWith("arg ")) {
            args.add(line.substring(4));
            return null;
        }
        int equals = line.indexOf('=');
        if (line.startsWith("env ") && equals > 4) {
            env.put(line.substring(4, equals), line.substring(equals + 1));
            return null;
        }
        throw new Refusal(
                "the agent cannot read the request line \"" + firstWord(line) + "\" (expected: arg, env or go)");
    }

    private static String firstWord(String line) {
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        return word.length() > 20 ? word.substring(0, 20) : word;
    }

    /** A front the agent will not serve, with the sentence why. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String sentence) {
            super(sentence, null, false, false);
        }
    }
}
