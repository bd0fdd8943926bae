/** The edge's Prometheus metrics, fed by its events. */
package dev.portless.connector.edge.metrics;
