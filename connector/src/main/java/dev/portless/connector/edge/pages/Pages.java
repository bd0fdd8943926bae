package dev.portless.connector.edge.pages;

import static dev.portless.connector.edge.pages.Html.escape;
import static dev.portless.connector.edge.pages.Html.hidden;

import java.util.List;

/**
 * The edge's pages, server-rendered. Every input has a label, every action is a real button
 * or link, so each page works with the keyboard alone and without script.
 */
public final class Pages {
    private Pages() {}

    /**
     * One way to sign in.
     *
     * @param name        the provider's name
     * @param displayName its label
     * @param pin         whether it is the e-mail PIN provider (a form) rather than a redirect (a link)
     */
    public record Provider(String name, String displayName, boolean pin) {}

    /**
     * An app on the launcher.
     *
     * @param hostname the app's hostname
     * @param port     {@code ":port"} of the edge's public URL, empty for 443
     */
    public record LauncherApp(String hostname, String port) {
        /** Returns an app on the default HTTPS port. */
        public LauncherApp(String hostname) {
            this(hostname, "");
        }
    }

    /**
     * What the device page shows of the machine that asked to sign in.
     *
     * @param userCode  the code, XXXX-XXXX
     * @param app       the app the device wants
     * @param client    the device's address as the edge saw it
     * @param userAgent the device's user agent
     * @param minutesAgo how long ago it asked
     */
    public record Device(String userCode, String app, String client, String userAgent, long minutesAgo) {}

    /** Returns the sign-in page: a choice of providers. */
    public static WebResponse signIn(List<Provider> providers, String csrf, String returnTo, String app, String error) {
        StringBuilder b = new StringBuilder();
        b.append(
                app == null
                        ? "<p>Sign in to reach your apps.</p>"
                        : "<p>Sign in to reach <strong>" + escape(app) + "</strong>.</p>");
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
        }
        if (providers.isEmpty()) {
            b.append("<p class=\"error\">No identity provider is configured on this edge; ask its administrator.</p>");
        }
        boolean first = true;
        for (Provider p : providers) {
            if (!first) {
                b.append("<hr>");
            }
            first = false;
            if (p.pin()) {
                b.append("<form method=\"post\" action=\"/signin/pin\">")
                        .append(hidden("csrf", csrf))
                        .append(hidden("return", returnTo))
                        .append("<label for=\"email\">E-mail address</label>")
                        .append("<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" required "
                                + "autofocus>")
                        .append("<button type=\"submit\">Send me a code</button></form>")
                        .append("<p class=\"muted\">")
                        .append(escape(p.displayName()))
                        .append(": we e-mail you a 6-digit code.</p>");
            } else {
                b.append("<a class=\"button\" href=\"/signin/oidc?provider=")
                        .append(escape(url(p.name())))
                        .append("&amp;return=")
                        .append(escape(url(returnTo)))
                        .append("\">Sign in with ")
                        .append(escape(p.displayName()))
                        .append("</a>");
            }
        }
        return WebResponse.html(error == null ? 200 : 400, Html.page("Sign in", b.toString()));
    }

    /** Returns the page where the PIN is typed. */
    public static WebResponse pinEntry(String email, String csrf, int attemptsLeft, String error) {
        StringBuilder b = new StringBuilder("<p>We sent a 6-digit code to <strong>")
                .append(escape(email))
                .append("</strong>. It is valid for 10 minutes.</p>");
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"/signin/pin/code\">")
                .append(hidden("csrf", csrf))
                .append("<label for=\"pin\">Code</label>")
                .append("<input type=\"text\" class=\"code\" id=\"pin\" name=\"pin\" inputmode=\"numeric\" "
                        + "autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,7}\" maxlength=\"7\" required autofocus "
                        + "aria-describedby=\"attempts\">")
                .append("<p id=\"attempts\" class=\"muted\">")
                .append(attemptsLeft)
                .append(attemptsLeft == 1 ? " attempt left." : " attempts left.")
                .append("</p>")
                .append("<button type=\"submit\">Sign in</button></form>")
                .append("<p class=\"muted\"><a href=\"/signin\">Use another address or request a new code</a></p>");
        return WebResponse.html(error == null ? 200 : 400, Html.page("Enter your code", b.toString()));
    }

    /** Returns the page after a sign-in the terminal waits for. */
    public static WebResponse signedIn(String who, String app) {
        String body = "<p class=\"ok\">You are signed in as " + escape(who)
                + (app == null ? "" : " to reach <strong>" + escape(app) + "</strong>") + ".</p>"
                + "<p>Return to your terminal: the connection continues there. You can close this tab.</p>";
        return WebResponse.html(200, Html.page("Signed in — return to your terminal", body));
    }

    /** Returns the page of a signed-in person the app's policy refuses. */
    public static WebResponse notAllowed(String who, String app) {
        String body = "<p class=\"error\">" + escape(who) + " is not allowed to reach <strong>" + escape(app)
                + "</strong>.</p><p>If you need access, ask the app's administrator. If you signed in with the wrong "
                + "account, <a href=\"/signout\">sign out</a> and sign in again.</p>";
        return WebResponse.html(403, Html.page("Not allowed", body));
    }

    /** Returns the page where a device code is typed. */
    public static WebResponse deviceEntry(String who, String csrf, String prefill, String error) {
        StringBuilder b = new StringBuilder("<p>Signed in as ")
                .append(escape(who))
                .append(". Type the code your terminal shows to sign that device in.</p>");
        if (error != null) {
            b.append("<p class=\"error\" role=\"alert\">").append(escape(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"/device\">")
                .append(hidden("csrf", csrf))
                .append("<label for=\"user_code\">Device code</label>")
                .append("<input type=\"text\" class=\"code\" id=\"user_code\" name=\"user_code\" "
                        + "autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"12\" "
                        + "placeholder=\"XXXX-XXXX\" required autofocus value=\"")
                .append(escape(prefill == null ? "" : prefill))
                .append("\">")
                .append("<button type=\"submit\">Continue</button></form>");
        return WebResponse.html(error == null ? 200 : 400, Html.page("Sign in a device", b.toString()));
    }

    /** Returns the page that shows the requesting device and asks for approval. */
    public static WebResponse deviceConfirm(String who, String csrf, Device d) {
        String body = "<p>A device asks to reach <strong>" + escape(d.app()) + "</strong> as <strong>"
                + escape(who) + "</strong>. Allow it only if you started this sign-in yourself.</p>"
                + "<dl><dt>Code</dt><dd><code>" + escape(d.userCode()) + "</code></dd>"
                + "<dt>App</dt><dd>" + escape(d.app()) + "</dd>"
                + "<dt>Device address</dt><dd>" + escape(d.client()) + "</dd>"
                + "<dt>Device software</dt><dd>" + escape(d.userAgent()) + "</dd>"
                + "<dt>Requested</dt><dd>" + (d.minutesAgo() < 1 ? "just now" : d.minutesAgo() + " min ago")
                + "</dd></dl>"
                + "<form method=\"post\" action=\"/device/approve\">" + hidden("csrf", csrf)
                + hidden("user_code", d.userCode())
                + "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>"
                + "<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Deny</button>"
                + "</form>";
        return WebResponse.html(200, Html.page("Allow this device?", body));
    }

    /** Returns the page after a device request was denied. */
    public static WebResponse deviceDenied(String app) {
        return WebResponse.html(
                200,
                Html.page(
                        "Device not signed in",
                        "<p>The device's request to reach <strong>" + escape(app)
                                + "</strong> was denied. Its terminal reports that sign-in was refused.</p>"));
    }

    /** Returns the app launcher: the apps {@code who} may reach, with the command for each. */
    public static WebResponse launcher(String who, String csrf, String edgeUrl, List<LauncherApp> apps) {
        StringBuilder b = new StringBuilder("<p>Signed in as <strong>")
                .append(escape(who))
                .append("</strong>.</p>");
        if (apps.isEmpty()) {
            b.append("<p>There are no apps you may reach. Ask an administrator for access.</p>");
        } else {
            b.append("<p>Reach an app from your terminal with the <code>access</code> command:</p><ul class=\"apps\">");
            for (LauncherApp a : apps) {
                String h = escape(a.hostname());
                b.append("<li><a href=\"https://")
                        .append(h)
                        .append(escape(a.port()))
                        .append("/\"><strong>")
                        .append(h)
                        .append("</strong></a>")
                        .append("<pre>access tcp --hostname ")
                        .append(h)
                        .append(" --url localhost:PORT</pre>")
                        .append("<pre>ssh -o ProxyCommand='access ssh --hostname %h' ")
                        .append(h)
                        .append("</pre></li>");
            }
            b.append("</ul><p class=\"muted\">If the hostname does not resolve to this edge, add <code>--edge ")
                    .append(escape(edgeUrl))
                    .append("</code> or set <code>PORTLESS_EDGE</code>.</p>");
        }
        b.append("<form method=\"post\" action=\"/signout\">")
                .append(hidden("csrf", csrf))
                .append("<button type=\"submit\" class=\"secondary\">Sign out</button></form>");
        return WebResponse.html(200, Html.page("Your apps", b.toString()));
    }

    /** Returns the page that asks whether to sign out. */
    public static WebResponse signOutConfirm(String who, String csrf) {
        return WebResponse.html(
                200,
                Html.page(
                        "Sign out",
                        "<p>Signed in as " + escape(who) + ".</p>"
                                + "<form method=\"post\" action=\"/signout\">" + hidden("csrf", csrf)
                                + "<button type=\"submit\">Sign out</button></form>"));
    }

    /** Returns the page after sign-out. */
    public static WebResponse signedOut() {
        return WebResponse.html(
                200,
                Html.page(
                        "Signed out",
                        "<p>You are signed out of this edge. App tokens your "
                                + "terminals already hold stay valid until they expire; <code>access logout</code> removes them.</p>"
                                + "<p><a href=\"/signin\">Sign in again</a></p>"));
    }

    /** Returns the page after a web app's sign-out, on the app's hostname. */
    public static WebResponse appSignedOut(String app) {
        return WebResponse.html(
                200,
                Html.page(
                        "Signed out",
                        "<p>You are signed out of <strong>" + escape(app) + "</strong> in this browser.</p>"
                                + "<p><a href=\"/\">Sign in again</a></p>"));
    }

    /** Returns an error page on a web app's hostname: a title, one sentence, and a link back into the app. */
    public static WebResponse appError(int status, String title, String sentence) {
        return WebResponse.html(
                status,
                Html.page(
                        title,
                        "<p class=\"error\" role=\"alert\">" + escape(sentence)
                                + "</p><p><a href=\"/\">Open the app again</a></p>"));
    }

    /** Returns an error page: a title and one sentence. */
    public static WebResponse error(int status, String title, String sentence) {
        return WebResponse.html(
                status,
                Html.page(
                        title,
                        "<p class=\"error\" role=\"alert\">" + escape(sentence)
                                + "</p><p><a href=\"/\">Go to your apps</a></p>"));
    }

    private static String url(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
