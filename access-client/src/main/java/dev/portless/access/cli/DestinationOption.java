package dev.portless.access.cli;

import dev.portless.access.edge.StreamDialer;
import dev.portless.common.config.HostPort;
import picocli.CommandLine.Option;

/** The {@code --destination} option of the commands that carry one stream per connection to a bastion app. */
final class DestinationOption {

    @Option(
            names = {"--destination"},
            paramLabel = "HOST:PORT",
            description = "for an app whose connector rule is a bastion: the host and port the connector dials, "
                    + "if its rule allows them")
    String destination;

    /** Returns {@code dialer}, or one whose streams name the destination when the option is given. */
    StreamDialer apply(StreamDialer dialer) {
        if (destination == null) {
            return dialer;
        }
        try {
            HostPort.parse(destination);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--destination: " + e.getMessage());
        }
        return StreamDialer.toDestination(dialer, destination);
    }
}
