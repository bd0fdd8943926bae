/**
 * What happens at the edge that metrics and the audit log want to know, as one listener
 * interface ({@code EdgeEvents}) the features call and the observers implement.
 */
package dev.portless.connector.edge.events;
