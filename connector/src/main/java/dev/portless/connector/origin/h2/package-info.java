/**
 * HTTP/2 connections to web origins ({@code http2-origin: true}): a small pool of multiplexed
 * connections per origin and event loop, each taking streams up to the origin's
 * SETTINGS_MAX_CONCURRENT_STREAMS, none after a GOAWAY, and closed after {@code keep-alive-timeout}
 * without streams.
 */
package dev.portless.connector.origin.h2;
