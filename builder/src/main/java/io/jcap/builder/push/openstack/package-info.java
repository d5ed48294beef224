/**
 * The OpenStack push target: credentials from {@code clouds.yaml} (with {@code secure.yaml}) or
 * the {@code OS_*} variables, Keystone v3 authentication, and the image's upload into Glance v2,
 * all over {@code java.net.http} with Jackson (docs/push.md says why not an SDK).
 *
 * <p>May import {@code push}, {@code repository}, the model module ({@code io.jcap.host.Cleanup} to
 * delete a half image on Ctrl-C) and Jackson; nothing else.
 */
package io.jcap.builder.push.openstack;
