/**
 * The Portless SSH bridge: a bastion on Apache MINA SSHD that trusts only OpenSSH user certificates from
 * the Portless SSH CA and forwards {@code direct-tcpip} channels to policy-approved destinations. This
 * package is the program itself (entry point, command line, the server's wiring and limits); the features
 * are packages below it: {@code auth}, {@code forward}, {@code audit}, {@code identity}, {@code config},
 * {@code transport}, {@code shell}, {@code net}.
 */
package dev.portless.bridge;
