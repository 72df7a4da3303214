// Package templates holds the non-Go files infgen writes next to generated
// code, embedded in the binary: the configuration file, Dockerfile and
// README of a worker scaffolded by `infgen init worker`. Go code is never
// produced from these templates (the generator builds it with jennifer);
// they are YAML, Dockerfile and Markdown rendered with text/template.
package templates
