/**
 * The connector's resumable stream sessions: each holds its target across breaks of the tunnel
 * stream that carries it, for a detach window, and takes a resume only from the stream's owner with
 * its secret and counts that fit.
 */
package dev.portless.connector.run.session;
