/**
 * The admin listener every program can open on loopback: {@code /healthz}, {@code /ready} and
 * {@code /metrics} in Prometheus text format.
 */
package dev.portless.common.admin;
