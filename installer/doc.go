// Package installer gets new interpreters: the release catalog, verified
// downloads, the uv driver and python.org's installers for each OS.
package installer
