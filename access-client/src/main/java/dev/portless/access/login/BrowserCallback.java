package dev.portless.access.login;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * The browser's redirect to the loopback listener, held open until the CLI knows whether
 * the sign-in worked, so the page the user sees tells the truth.
 */
final class BrowserCallback {
    private final String code;
    private final Channel browser;

    BrowserCallback(String code, Channel browser) {
        this.code = code;
        this.browser = browser;
    }

    /** Returns the authorization code; never logged. */
    String code() {
        return code;
    }

    /** Answers the browser that the sign-in is complete; returns the write of the page. */
    ChannelFuture signedIn() {
        return CallbackPages.send(browser, CallbackPages.signedIn());
    }

    /** Answers the browser with the sentence the terminal shows too; returns the write of the page. */
    ChannelFuture failed(String sentence) {
        return CallbackPages.send(browser, CallbackPages.failed(sentence));
    }

    @Override
    public String toString() {
        return "BrowserCallback[" + browser.remoteAddress() + "]";
    }
}
