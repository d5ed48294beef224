/**
 * The Capstanfile: its YAML parsed with line and column for every key, checked against the JSON Schema, mapped onto {@code Capstanfile}, with every problem reported at once; a Capstan package ({@code meta/package.yaml}, {@code meta/run.yaml}, {@code .capstanignore}) is read onto the same model. May import {@code io.jcap.model}, {@code .yaml}, Jackson, SnakeYAML and the schema validator.
 */
package io.jcap.capstanfile;
