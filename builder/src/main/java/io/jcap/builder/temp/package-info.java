/**
 * Temporary work folders that are removed on every path, Ctrl-C included, and recursive deletes.
 *
 * <p>Imports nothing of the builder.
 */
package io.jcap.builder.temp;
