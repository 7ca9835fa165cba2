//go:build windows

package platform

import (
	"sort"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// winRegistry reads this machine's registry in the 64-bit view; the 32-bit
// view is reached through WOW6432Node paths.
type winRegistry struct{}

func liveRegistry() RegistryReader { return winRegistry{} }

func openKey(path string) (registry.Key, bool) {
	root, sub, _ := strings.Cut(path, `\`)
	var base registry.Key
	switch strings.ToUpper(root) {
	case "HKEY_CURRENT_USER", "HKCU":
		base = registry.CURRENT_USER
	case "HKEY_LOCAL_MACHINE", "HKLM":
		base = registry.LOCAL_MACHINE
	default:
		return 0, false
	}
	k, err := registry.OpenKey(base, sub, registry.READ|registry.WOW64_64KEY)
	if err != nil {
		return 0, false
	}
	return k, true
}

func (winRegistry) SubKeys(key string) []string {
	k, ok := openKey(key)
	if !ok {
		return nil
	}
	defer k.Close()
	names, err := k.ReadSubKeyNames(-1)
	if err != nil {
		return nil
	}
	sort.Strings(names)
	return names
}

func (winRegistry) Value(key, name string) (string, bool) {
	k, ok := openKey(key)
	if !ok {
		return "", false
	}
	defer k.Close()
	v, _, err := k.GetStringValue(name)
	if err != nil {
		return "", false
	}
	return v, true
}
