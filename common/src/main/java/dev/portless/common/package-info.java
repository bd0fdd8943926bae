/** Returns nothing: what the edge, the connector and the access CLI must agree on. */
package dev.portless.common;
