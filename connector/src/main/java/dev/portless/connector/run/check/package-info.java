/**
 * The start-up check of {@code connector run}: its steps, rows and table, and the exit statuses a
 * supervisor reads.
 */
package dev.portless.connector.run.check;
