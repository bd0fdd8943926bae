/** {@code connector diag}: the support bundle and the redaction of what goes into it. */
package dev.portless.connector.diag;
