package dev.portless.connector.edge.sshca;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Login names for a certificate and checks them.
 *
 * <p>OpenSSH treats a certificate with no principals as valid for every user, and sshd's
 * {@code AuthorizedPrincipalsFile} patterns treat {@code *}, {@code ?} and {@code ,} specially, so none
 * of these may reach a certificate.
 */
public final class Principals {
    private static final Pattern LOGIN = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

    private Principals() {}

    /** Returns the local part of an email as a login name, e.g. {@code ada.l@example.com} → {@code ada.l}. */
    public static String fromEmail(String email) {
        int at = email.indexOf('@');
        String local = (at < 0 ? email : email.substring(0, at)).toLowerCase(Locale.ROOT);
        check(local);
        return local;
    }

    /** Throws when a list of principals could widen what the certificate allows. */
    public static void checkAll(List<String> principals) {
        if (principals.isEmpty()) {
            throw new IllegalArgumentException("principals: empty (a certificate without principals is valid for"
                    + " every user, so the CA never issues one)");
        }
        principals.forEach(Principals::check);
    }

    /** Throws when a login name is not a plain POSIX-style user name. */
    public static void check(String principal) {
        if (!LOGIN.matcher(principal).matches()) {
            throw new IllegalArgumentException("principal \"" + principal + "\" is not a plain login name (expected:"
                    + " [a-z_][a-z0-9_.-]{0,31}; no commas, wildcards or spaces)");
        }
    }
}
