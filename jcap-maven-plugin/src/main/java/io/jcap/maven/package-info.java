/**
 * The Maven plugin ({@code jcap:build}, {@code jcap:run}, {@code jcap:validate}, {@code jcap:push}):
 * composes an image from a Maven project (its classes and its dependencies as two layers of
 * files, the pom's settings on top of a Capstanfile if the project has one) and hands it to the
 * builder's {@code ImageBuilder}, {@code ImageRunner}, {@code Instances} and {@code PushTargets}.
 * May import the builder's public API, the model and the Capstanfile types, and Maven's plugin API;
 * nothing imports this package.
 */
package io.jcap.maven;
