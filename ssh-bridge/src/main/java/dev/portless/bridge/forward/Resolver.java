package dev.portless.bridge.forward;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The addresses of a host name; the system resolver in production, a fixed table in tests. */
@FunctionalInterface
public interface Resolver {

    /** Returns the system resolver. */
    static Resolver system() {
        return InetAddress::getAllByName;
    }

    /** Returns every address of {@code host}, in the resolver's order. */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
