/**
 * JSON documents read into Jackson's tree ({@code JsonNode}) by its streaming parser, without an
 * {@code ObjectMapper}: the files jcap reads at every command (a kernel's {@code kernel.json}, an
 * image's {@code image.json}) cost a mapper's start-up otherwise. May import Jackson only.
 */
package io.jcap.formats.json;
