package dev.portless.connector.run;

/**
 * Who this connector process is to the edges it registers with.
 *
 * @param name       a name for the edge's logs (host and process id)
 * @param instanceId random per process; the first part of every resumable stream id minted here, so
 *                   an edge can send a resume to this process's connections
 */
record ConnectorIdentity(String name, String instanceId) {}
