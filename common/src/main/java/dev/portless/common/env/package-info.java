/**
 * The process's environment as the programs read it (a variable set to the empty string is unset), and
 * files named by a variable or a flag whose errors name that variable or flag.
 */
package dev.portless.common.env;
