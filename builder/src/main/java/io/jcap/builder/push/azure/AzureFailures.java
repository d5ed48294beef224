package io.jcap.builder.push.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobStorageException;
import io.jcap.model.EnvironmentException;
import io.jcap.model.ExitCode;
import io.jcap.model.FailureReason;
import io.jcap.model.JcapException;
import java.io.IOException;

/**
 * The one mapping of the Azure SDK's failures onto jcap's exit codes: a service that answered
 * with a refusal is 1 (with Azure's error code and message), one that could not be reached, or
 * answered 502, 503 or 504 after the SDK's retries, is 3. Every message goes through
 * {@link StorageAccess#hidden} so that no key or SAS token is shown.
 */
final class AzureFailures {
    private static final int REASON_LIMIT = 300;

    private AzureFailures() {
    }

    /** The error for {@code e}, raised while jcap did {@code what} ("create page blob x.vhd"). */
    static JcapException of(RuntimeException e, StorageAccess access, String what) {
        String where = "Azure Blob Storage at " + access.blobEndpoint();
        if (e instanceof BlobStorageException b) {
            String message = where + " refused to " + what + " (HTTP " + b.getStatusCode()
                    + (b.getErrorCode() == null ? "" : ", " + b.getErrorCode()) + "): " + reason(firstLine(b.getServiceMessage()));
            return exitFor(b.getStatusCode(), access.hidden(message), e);
        }
        if (e instanceof ClientAuthenticationException c) {
            return new JcapException(access.hidden("no credentials for " + where + " through " + access.source() + ": "
                    + reason(firstLine(c.getMessage()))), ExitCode.FAILURE, e);
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            int status = h.getResponse().getStatusCode();
            return exitFor(status, access.hidden(where + " refused to " + what + " (HTTP " + status + "): "
                    + reason(firstLine(h.getMessage()))), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                String reason = FailureReason.of(io);
                return new EnvironmentException(access.hidden("cannot reach " + where + ": " + reason(reason)), e);
            }
        }
        return new JcapException(access.hidden("Azure SDK failed to " + what + ": " + reason(String.valueOf(e.getMessage()))),
                ExitCode.FAILURE, e);
    }

    private static JcapException exitFor(int status, String message, Throwable cause) {
        return status == 502 || status == 503 || status == 504 ? new EnvironmentException(message, cause)
                : new JcapException(message, ExitCode.FAILURE, cause);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl).strip();
    }

    private static String reason(String text) {
        return text.length() <= REASON_LIMIT ? text : text.substring(0, REASON_LIMIT) + "...";
    }
}
