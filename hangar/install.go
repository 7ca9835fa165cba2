package hangar

import (
	"context"

	"github.com/pyhangar/pyhangar/installer"
	"github.com/pyhangar/pyhangar/store"
)

// Installer wires an installer to the data dir and the store: python.org,
// or the mirror given ("" means the mirror setting, if any), and uv when
// it is there; progress hears of the installs.
func (h *Hangar) Installer(ctx context.Context, mirror string, progress func(installer.Event)) (*installer.Installer, error) {
	if mirror == "" {
		mirror = h.Store.Mirror(ctx)
	}
	return installer.New(ctx, h.DataDir, h.Store, mirror, progress)
}

// GetUV gets uv's release ver ("" for the pinned one, "latest" for the
// newest) for PyHangar from GitHub or the mirror given ("" means the
// uv_mirror setting), and records it.
func (h *Hangar) GetUV(ctx context.Context, ver, mirror string, progress func(installer.Event)) (installer.OwnUV, error) {
	if mirror == "" {
		mirror, _, _ = h.Store.Setting(ctx, store.SettingUVMirror)
	}
	g := &installer.UVGetter{DataDir: h.DataDir, Base: mirror, Progress: progress}
	own, err := g.Get(ctx, ver)
	if err != nil {
		return own, err
	}
	keep := context.WithoutCancel(ctx) // it is there now: record it
	if err := h.Store.SetSetting(keep, store.SettingUV, own.Path); err != nil {
		return own, err
	}
	return own, h.Store.SetSetting(keep, store.SettingUVVersion, own.Reports)
}

// RemoveUV removes the uv PyHangar got (a uv of the user's is never
// touched) and its record.
func (h *Hangar) RemoveUV(ctx context.Context) error {
	if err := installer.RemoveOwnUV(h.DataDir); err != nil {
		return err
	}
	if err := h.Store.DeleteSetting(ctx, store.SettingUV); err != nil {
		return err
	}
	return h.Store.DeleteSetting(ctx, store.SettingUVVersion)
}

// UVMirror is the uv_mirror setting's base URL, or installer.GitHub.
func (h *Hangar) UVMirror(ctx context.Context) string {
	if base, _, _ := h.Store.Setting(ctx, store.SettingUVMirror); base != "" {
		return base
	}
	return installer.GitHub
}
