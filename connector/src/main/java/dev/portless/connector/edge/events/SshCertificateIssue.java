package dev.portless.connector.edge.events;

import java.time.Instant;
import java.util.List;

/**
 * An SSH user certificate the edge's CA signed.
 *
 * @param app         the app hostname whose SSH rule applied
 * @param identity    whom for (an e-mail or a subject)
 * @param client      the requester's address
 * @param serial      the certificate's serial number
 * @param principals  the principals it names
 * @param validBefore when it expires
 */
public record SshCertificateIssue(
        String app, String identity, String client, long serial, List<String> principals, Instant validBefore) {}
