/**
 * Returns the Portless SSH bridge: a bastion on Apache MINA SSHD that trusts only OpenSSH user
 * certificates from the Portless SSH CA and forwards {@code direct-tcpip} channels to policy-approved
 * destinations. Packages by feature: {@code auth}, {@code forward}, {@code audit}, {@code config},
 * {@code transport}, {@code shell}, {@code net}, {@code cli}.
 */
package dev.portless.bridge;
