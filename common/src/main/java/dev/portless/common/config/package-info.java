/**
 * Returns typed views of the YAML configuration files whose every mistake reads
 * {@code <file>:<line>: <rule path>: <problem>}.
 */
package dev.portless.common.config;
