/**
 * The builder's entry points: build an image ({@link io.jcap.builder.ImageBuilder}), run it in the
 * foreground ({@link io.jcap.builder.ImageRunner}) or detached ({@link io.jcap.builder.Instances}),
 * look inside it ({@link io.jcap.builder.ImageFiles}). It only dispatches to the image's kernel family.
 *
 * <p>May import every builder sub-package; no sub-package imports it.
 */
package io.jcap.builder;
