/** The bridge's Prometheus metrics, fed by MINA SSHD's session and channel listeners. */
package dev.portless.bridge.metrics;
