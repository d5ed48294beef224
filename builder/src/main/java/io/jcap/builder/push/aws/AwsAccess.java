package io.jcap.builder.push.aws;

import io.jcap.model.JcapException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Where and as whom jcap talks to AWS, found as the AWS SDK finds it: the region from
 * {@code --region}, else the SDK's region chain ({@code AWS_REGION}, {@code aws.region}, the
 * profile's {@code region}, IMDS); the credentials from the SDK's default chain (environment,
 * system properties, web identity, {@code ~/.aws/credentials} and {@code config} profiles with
 * SSO, the container and instance metadata services); the endpoints from the SDK's standard
 * overrides, {@code aws.endpointUrlEbs} / {@code AWS_ENDPOINT_URL_EBS} (and {@code _EC2}), then
 * {@code aws.endpointUrl} / {@code AWS_ENDPOINT_URL}, else the region's public endpoints.
 *
 * @param region the region's ID ({@code eu-west-1})
 * @param ebs the EBS direct API's endpoint
 * @param ec2 EC2's endpoint
 */
record AwsAccess(String region, URI ebs, URI ec2) {
    /** The access of this process (its environment and system properties) with {@code --region} if given. */
    static AwsAccess resolve(Optional<String> region, Map<String, String> env, Properties properties) throws JcapException {
        String id;
        if (region.isPresent()) {
            id = region.get();
        } else {
            try {
                id = new DefaultAwsRegionProviderChain().getRegion().id();
            } catch (SdkClientException e) {
                throw new JcapException("no AWS region: give --region (or AWS_REGION, or region in ~/.aws/config)",
                        io.jcap.model.ExitCode.USAGE, e);
            }
        }
        if (!id.matches("[a-z]{2}(-[a-z0-9]+)+-[0-9]+")) {
            throw new JcapException("region '" + id + "' is not an AWS region ID such as eu-west-1");
        }
        return new AwsAccess(id, endpoint("Ebs", "EBS", "ebs", id, env, properties),
                endpoint("Ec2", "EC2", "ec2", id, env, properties));
    }

    private static URI endpoint(String property, String variable, String service, String region, Map<String, String> env,
                                Properties properties) throws JcapException {
        String[][] sources = {
            {"system property aws.endpointUrl" + property, properties.getProperty("aws.endpointUrl" + property)},
            {"AWS_ENDPOINT_URL_" + variable, env.get("AWS_ENDPOINT_URL_" + variable)},
            {"system property aws.endpointUrl", properties.getProperty("aws.endpointUrl")},
            {"AWS_ENDPOINT_URL", env.get("AWS_ENDPOINT_URL")}};
        for (String[] source : sources) {
            if (source[1] != null && !source[1].isBlank()) {
                io.jcap.builder.push.EndpointUrls.requireNoUserInfo(source[0], source[1]);
                try {
                    URI uri = URI.create(source[1].strip());
                    if (uri.getHost() != null && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                        return URI.create(uri.toString().replaceAll("/+$", ""));
                    }
                } catch (IllegalArgumentException e) {
                    // reported below with the source's name
                }
                throw new JcapException(source[0] + " is '" + io.jcap.builder.push.EndpointUrls.withoutUserInfo(source[1])
                        + "': give an http:// or https:// URL");
            }
        }
        return URI.create("https://" + service + "." + region + ".amazonaws.com");
    }

    /** The credentials of the SDK's default chain, resolved now. */
    static AwsCredentials credentials() throws JcapException {
        try (DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build()) {
            return provider.resolveCredentials();
        } catch (SdkClientException e) {
            throw new JcapException("no AWS credentials: the AWS SDK's default chain found none (AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws/credentials, aws sso login, an instance role): "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        // The chain's message lists every provider's own failure after this point: too long for one line.
        String line = text.replaceAll("\\s+AwsCredentialsProviderChain\\(.*", "").replaceAll("\\n.*", "");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
