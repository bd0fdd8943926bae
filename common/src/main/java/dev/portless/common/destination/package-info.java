/**
 * Destinations a bastion may dial: the entries of an allow-list ({@code AllowEntry}), the address classes
 * refused unless listed ({@code AddressClass}) and that refusal ({@code SpecialAddresses}); shared by the
 * SSH bridge's policy and the connector's {@code bastion} rules.
 */
package dev.portless.common.destination;
