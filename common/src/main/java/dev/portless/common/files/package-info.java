/** Files only their owner may read: secrets, keys, tokens, audit records. */
package dev.portless.common.files;
