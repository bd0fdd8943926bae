package dev.portless.connector.edge.pages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The edge's HTML: escaping, and the one layout every page shares. Pages load nothing from
 * elsewhere: the style sheet is inline and allowed by its hash in the Content-Security-Policy, and no
 * page runs script.
 */
public final class Html {
    private static final String CSS = """
            :root{color-scheme:light dark;--fg:#1b1f24;--bg:#f6f7f9;--card:#fff;--muted:#57606a;--accent:#0b57d0;\
            --line:#d0d7de;--bad:#b3261e;--ok:#1a7f37}
            @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--card:#161b22;--muted:#9da7b3;\
            --accent:#6ea8fe;--line:#30363d;--bad:#ff7b72;--ok:#56d364}}
            *{box-sizing:border-box}
            body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);\
            background:var(--bg)}
            main{max-width:34rem;margin:3rem auto;padding:2rem;background:var(--card);border:1px solid var(--line);\
            border-radius:12px}
            .brand{font-weight:700;letter-spacing:.02em;color:var(--muted)}
            h1{font-size:1.5rem;margin:.5rem 0 1rem}
            p{margin:.5rem 0 1rem}
            label{display:block;font-weight:600;margin:1rem 0 .25rem}
            input[type=text],input[type=email]{width:100%;padding:.6rem .75rem;font:inherit;color:inherit;\
            background:transparent;border:1px solid var(--line);border-radius:8px}
            input.code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:1.4rem;letter-spacing:.2em}
            button,.button{display:inline-block;margin:1rem .5rem 0 0;padding:.6rem 1.1rem;font:inherit;\
            font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:8px;text-decoration:none;\
            cursor:pointer}
            button.secondary{color:var(--fg);background:transparent;border:1px solid var(--line)}
            :focus-visible{outline:3px solid var(--accent);outline-offset:2px}
            .error{color:var(--bad);font-weight:600}
            .ok{color:var(--ok);font-weight:600}
            .muted{color:var(--muted);font-size:.9rem}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
            dt{color:var(--muted)}dd{margin:0;word-break:break-all}
            ul.apps{list-style:none;padding:0}ul.apps li{padding:.75rem 0;border-top:1px solid var(--line)}
            code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem}
            pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:.5rem .75rem;\
            border-radius:6px;margin:.25rem 0}
            hr{border:0;border-top:1px solid var(--line);margin:1.5rem 0}
            form.inline{display:inline}
            """;

    /** The Content-Security-Policy of every page: nothing but the inline style sheet. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'sha256-" + sha256(CSS)
            + "'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

    private Html() {}

    /** Returns {@code text} safe inside HTML text and double-quoted attributes. */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Returns a whole page titled {@code title} (text) around {@code body} (HTML). */
    public static String page(String title, String body) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"same-origin\">"
                + "<title>" + escape(title) + " · Portless</title><style>" + CSS + "</style></head>\n"
                + "<body><main><div class=\"brand\">Portless</div><h1>" + escape(title) + "</h1>\n"
                + body + "\n</main></body></html>\n";
    }

    /** Returns a hidden form field. */
    public static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
