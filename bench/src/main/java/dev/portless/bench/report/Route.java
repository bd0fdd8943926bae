package dev.portless.bench.report;

/** The routes a byte stream can take from the client to the target in the bench. */
public enum Route {
    /** Straight to the target. */
    DIRECT("direct", "direct"),
    /** Through {@code ssh -L} and a local OpenSSH sshd. */
    SSH("ssh", "ssh -L"),
    /** access tcp → connector edge (TLS) → connector run (TLS, HTTP/2) → target. */
    PORTLESS("portless", "Portless");

    private final String key;
    private final String label;

    Route(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** Returns the name used in results.tsv. */
    public String key() {
        return key;
    }

    /** Returns the column heading. */
    public String label() {
        return label;
    }

    /** Returns the path named {@code key} in results.tsv. */
    public static Route ofKey(String key) {
        for (Route p : values()) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("path: \"" + key + "\" (expected: direct, ssh or portless)");
    }
}
