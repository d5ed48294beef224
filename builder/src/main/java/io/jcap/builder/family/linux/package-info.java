/**
 * Linux images: inputs, the builder VM that fills an ext4 disk, direct-boot files, the q35 run
 * plan with fw_cfg settings, and the init's console protocol (JCAP-START, JCAP-EXIT, JCAP-ERROR).
 *
 * <p>May import {@code family}, {@code api}, {@code compose}, {@code runtime}, {@code repository},
 * {@code instance}, {@code temp}; never {@code family.osv} or the top package.
 */
package io.jcap.builder.family.linux;
