package dev.portless.connector.edge.sshca;

/**
 * An OpenSSH certificate extension the CA may grant. Anything not granted is absent from
 * the certificate, and OpenSSH servers then refuse it.
 */
public enum SshPermission {
    /** Interactive terminals. */
    PTY("permit-pty"),
    /** Local and remote port forwarding through the target. */
    PORT_FORWARDING("permit-port-forwarding"),
    /** Agent forwarding to the target. */
    AGENT_FORWARDING("permit-agent-forwarding");

    private final String extension;

    SshPermission(String extension) {
        this.extension = extension;
    }

    /** Returns the extension name in the certificate, e.g. {@code permit-pty}. */
    public String extension() {
        return extension;
    }
}
