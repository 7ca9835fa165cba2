//go:build !windows

package platform

// liveRegistry is nil off Windows: there is no registry to read.
func liveRegistry() RegistryReader { return nil }
