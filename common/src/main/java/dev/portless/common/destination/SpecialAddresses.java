package dev.portless.common.destination;

import static java.util.Objects.requireNonNull;

import dev.portless.common.net.IpLiterals;
import java.net.InetAddress;
import java.util.List;

/**
 * The refusal of loopback, link-local and metadata destinations a bastion applies after its allow-list:
 * such an address passes only when an entry names it on purpose or the matching switch is set.
 *
 * @param allowLoopback  whether loopback destinations covered by any entry pass ({@code allow-loopback})
 * @param allowLinkLocal whether link-local destinations covered by any entry pass ({@code allow-link-local})
 */
public record SpecialAddresses(boolean allowLoopback, boolean allowLinkLocal) {

    /**
     * Returns why {@code address} may not be dialed as a phrase starting with "is", or {@code null} when it
     * is an ordinary address or a special one that an entry or a switch admits. {@code covered} says whether
     * some entry's range holds the address: only then would the switch alone admit it, so only then is the
     * switch offered as a remedy.
     */
    public String problem(InetAddress address, List<AllowEntry> entries, boolean covered) {
        requireNonNull(address, "address");
        requireNonNull(entries, "entries");
        final AddressClass kind = AddressClass.of(address);
        switch (kind) {
            case NOT_A_HOST:
                return "is " + kind.description();
            case LOOPBACK:
                return allowLoopback || explicitlyListed(address, kind, entries)
                        ? null
                        : "is " + kind.description() + "; list it in the policy (e.g. "
                                + IpLiterals.hostText(address) + ":PORT)"
                                + (covered ? " or set allow-loopback: true" : "");
            case LINK_LOCAL:
                return allowLinkLocal || explicitlyListed(address, kind, entries)
                        ? null
                        : "is " + kind.description() + "; list it in the policy explicitly"
                                + (covered ? " or set allow-link-local: true" : "");
            default:
                return null;
        }
    }

    private static boolean explicitlyListed(InetAddress address, AddressClass kind, List<AllowEntry> entries) {
        return entries.stream().anyMatch(entry -> entry.containsAddress(address) && entry.explicitlyCovers(kind));
    }
}
