/**
 * An administrator's sign-out of one identity ({@code connector revoke}): the admin command the edge takes, and
 * the ending of the identity's live streams at every edge that learns of it.
 */
package dev.portless.connector.edge.signout;
