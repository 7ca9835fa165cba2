package hangar

import (
	"context"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/wheels"
)

// Ready checks whether reqs install as wheels on in, against indexURL (""
// means PIP_INDEX_URL, pip's own setting, or PyPI) and the indexes the
// requirements' own file names (src, which pip lets win), with the store
// as the index cache; progress hears of each package judged.
func (h *Hangar) Ready(ctx context.Context, in envs.Interpreter, reqs []wheels.Requirement, src wheels.Sources, indexURL string, progress func(done int, name string)) (wheels.Report, error) {
	c := &wheels.Checker{Python: in.Path, IndexURL: indexURL, Getenv: h.getenv, Cache: h.Store, Progress: progress}
	c.Use(src)
	return c.Check(ctx, reqs)
}
