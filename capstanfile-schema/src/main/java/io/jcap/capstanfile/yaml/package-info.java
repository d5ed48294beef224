/**
 * The located YAML tree the parsers of this module share: a document read with the line and column of every key
 * and value, paths to its nodes, and findings tied to them. May import Jackson and SnakeYAML, nothing of jcap.
 */
package io.jcap.capstanfile.yaml;
