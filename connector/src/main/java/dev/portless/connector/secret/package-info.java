/** Digests and random values for the shared secrets of tunnels and service tokens. */
package dev.portless.connector.secret;
