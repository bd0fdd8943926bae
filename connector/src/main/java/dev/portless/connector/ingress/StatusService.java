package dev.portless.connector.ingress;

/**
 * A rule that answers every matching stream with an HTTP status instead of dialing anything,
 * cloudflared's {@code http_status:404} catch-all.
 *
 * @param status 100..599
 */
public record StatusService(int status) implements Service {

    /** Validates the status. */
    public StatusService {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("http_status:" + status + " is out of range (expected: 100..599)");
        }
    }

    /** Returns the status service of the text after {@code http_status:}. */
    static StatusService parse(String code) {
        if (code.length() != 3 || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "\"http_status:" + code + "\" is not a status (expected: http_status:NNN, e.g. http_status:404)");
        }
        return new StatusService(Integer.parseInt(code));
    }

    /** Returns the service as written in a rule. */
    @Override
    public String toString() {
        return "http_status:" + status;
    }
}
