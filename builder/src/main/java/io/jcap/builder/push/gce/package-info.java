/**
 * Pushing an image to Google Compute Engine: {@code disk.raw} as a sparse member of a gzip'd GNU
 * tar ({@code io.jcap.formats.gnutar}), uploaded to Cloud Storage with a resumable upload, then
 * {@code images.insert} from it. Application Default Credentials come from Google's auth library
 * ({@code google-auth-library-oauth2-http}); the Storage and Compute calls are spoken with
 * {@code java.net.http} ({@link io.jcap.builder.push.gce.GoogleHttp}).
 *
 * <p>May import {@code push}, {@code repository}, the formats and model modules, Jackson and the
 * auth library; nothing of another target.
 */
package io.jcap.builder.push.gce;
