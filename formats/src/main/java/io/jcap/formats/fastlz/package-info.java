/**
 * FastLZ, the compression OSv's loader image uses for its kernel: decompression only. Imports nothing but the JDK.
 */
package io.jcap.formats.fastlz;
