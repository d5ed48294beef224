/**
 * OSv images: inputs (a Capstanfile, or a Capstan package with the packages it requires from
 * Capstan's local repository), ROFS written on the host or ZFS through OSv's builder VM, the run
 * plan (OSv's own machine, the command line at byte 512 of the disk) and OSv's console.
 *
 * <p>May import {@code family}, {@code api}, {@code compose}, {@code repository}, {@code instance},
 * {@code temp} and {@code rofs}; never {@code family.linux} or the top package.
 */
package io.jcap.builder.family.osv;
