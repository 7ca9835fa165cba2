package trial

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/pyhangar/pyhangar/envs"
	"github.com/pyhangar/pyhangar/project"
)

// Plan is what a try will run, said before anything runs: the user agrees
// to it once per folder and plan (Key), since it runs someone else's code
// (their build scripts and their tests).
type Plan struct {
	Dir   string   `json:"dir"`
	Lines []string `json:"lines"`
	// Key names what runs: the folder, what is installed, whether the
	// project builds, what builds from source and the commands. A try
	// whose Key was agreed to before runs without asking again.
	Key string `json:"key"`
}

// CheckReadiness runs the readiness step for every target the project
// supports, before anything is made (by target index; nil for one not
// checked).
func CheckReadiness(ctx context.Context, opt Options, progress func(i int)) []*ReadinessResult {
	out := make([]*ReadinessResult, len(opt.Targets))
	if opt.Ready == nil {
		return out
	}
	for i, t := range opt.Targets {
		if ok, _ := opt.Project.Supports(t.Python.Version); !ok || t.Variant.Check(t.Python) != nil {
			continue
		}
		if progress != nil {
			progress(i)
		}
		out[i] = readiness(ctx, opt, t)
		if ctx.Err() != nil {
			return out
		}
	}
	return out
}

// PlanOf says what a try with opt will run, given the readiness checks.
func PlanOf(opt Options, ready []*ReadinessResult) Plan {
	p := opt.Project
	plan := Plan{Dir: p.Dir}
	say := func(format string, a ...any) { plan.Lines = append(plan.Lines, fmt.Sprintf(format, a...)) }
	from := string(p.From)
	if len(p.Files) > 0 {
		from = strings.Join(p.Files, ", ")
	}
	say("reads %s: %s from %s", p.Dir, plural(len(p.Names()), "requirement"), from)
	tool := "pip"
	if opt.UV != "" {
		tool = "uv pip"
	}
	sourceBuilds := map[string]bool{}
	for i, t := range opt.Targets {
		if ok, why := p.Supports(t.Python.Version); !ok {
			say("%s: not tried: %s", t.Name(), why)
			continue
		}
		if err := t.Variant.Check(t.Python); err != nil {
			say("%s: not tried: %v", t.Name(), err)
			continue
		}
		line := fmt.Sprintf("%s (%s): its own venv under %s, made once and reused while nothing it is made from changes", t.Name(), t.Python.Path,
			placeFor(opt.DataDir, p.Dir, t.Python).dir)
		if n := len(p.Names()); n > 0 {
			line += fmt.Sprintf("; %s installs %s", tool, plural(n, "requirement"))
			if i < len(ready) && ready[i] != nil && len(ready[i].FromSource) > 0 {
				line += fmt.Sprintf(", %s from source (%s: their build scripts run)", plural(len(ready[i].FromSource), "package"), strings.Join(ready[i].FromSource, ", "))
				for _, name := range ready[i].FromSource {
					sourceBuilds[name] = true
				}
			}
		}
		if p.Package {
			line += "; installs the project itself (its build backend runs)"
		}
		say("%s", line)
	}
	for _, l := range p.Requirements {
		if l.Kind != envs.ReqPackage && l.Option != "" {
			say("its requirements say %s (%s)", l.Text, l.Where())
		}
	}
	if opt.Test != nil {
		say("runs `%s` in %s with each venv's python", project.CommandLine(opt.Test), p.Dir)
	}
	if opt.Run != nil {
		budget := opt.Budget
		if budget <= 0 {
			budget = DefaultBudget
		}
		say("runs `%s` in %s, once per interpreter in each round, for up to %v", project.CommandLine(opt.Run), p.Dir, budget)
	}
	var builds []string
	for name := range sourceBuilds {
		builds = append(builds, name)
	}
	sort.Strings(builds)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%v\x00%q\x00%q\x00%q", p.Dir, p.RequirementsText(), p.Package, builds, opt.Test, opt.Run)
	plan.Key = hex.EncodeToString(h.Sum(nil)[:16])
	return plan
}
