/**
 * Pushing an image to Azure Blob Storage as a fixed VHD in a page blob, the form Azure makes disks
 * and images from: only the pages that hold data are written, in parallel, read straight from the
 * stored qcow2 ({@code io.jcap.formats.vhd}, {@code io.jcap.formats.qcow2}); then, with
 * {@code --resource-group}, a managed image made from the blob through Azure Resource Manager
 * ({@link io.jcap.builder.push.azure.ManagedImages}). Through the Azure SDK for Java
 * ({@code azure-storage-blob}, {@code azure-identity}, and azure-core's {@code HttpPipeline} for
 * Resource Manager), confined to this package.
 *
 * <p>May import {@code push}, {@code repository}, the formats and model modules, and the Azure SDK;
 * nothing of another target.
 */
package io.jcap.builder.push.azure;
