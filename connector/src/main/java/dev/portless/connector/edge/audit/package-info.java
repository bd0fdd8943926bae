/** The edge's audit log: one JSON line per stream, sign-in, token, refusal and SSH certificate. */
package dev.portless.connector.edge.audit;
