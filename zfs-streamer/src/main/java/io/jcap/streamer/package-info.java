/**
 * The host side of the guest protocol: streaming an image's entries into a builder guest as cpio over TCP (jcap's init or OSv's cpiod), its replies, and the console markers of jcap's init ({@code GuestMarker}). May import {@code io.jcap.model} and {@code io.jcap.formats.cpio}.
 */
package io.jcap.streamer;
