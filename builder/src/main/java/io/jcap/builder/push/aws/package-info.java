/**
 * Pushing an image to AWS as an AMI through the EBS direct APIs: a snapshot written block by block
 * with only the 512 KiB blocks that hold data, read straight from the stored qcow2, then an AMI
 * registered from it. The AWS SDK for Java v2 gives the credential and region chains and the SigV4
 * signer ({@code auth}, {@code regions}, {@code http-auth-aws}); the EBS and EC2 calls are spoken
 * with {@code java.net.http} ({@link io.jcap.builder.push.aws.SignedHttp}).
 *
 * <p>May import {@code push}, {@code repository}, the formats and model modules, Jackson and the
 * AWS SDK; nothing of another target.
 */
package io.jcap.builder.push.aws;
