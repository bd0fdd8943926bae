/**
 * The reload of a program's configuration files that SIGHUP and {@code connector reload} both run: its outcome
 * (applied with what changed, or refused with the file's line-numbered error, and the settings only a restart
 * changes), the comparison of two versions of a setting, and the admin command {@code POST /reload}.
 */
package dev.portless.connector.reload;
