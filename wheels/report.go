package wheels

import (
	"fmt"
	"strings"
)

// Summary says in a sentence how many packages install as wheels, and
// what stops the others: the one summary both faces show.
func (rep Report) Summary() string {
	good, blocked, build, bad, other := 0, 0, 0, 0, 0
	for _, r := range rep.Results {
		switch {
		case r.Status.Good() && len(r.BlockedBy) > 0:
			blocked++
		case r.Status.Good():
			good++
		case r.Status == SourceOnly:
			build++
		case r.Status == NoCompatibleWheel || r.Status == NotFound:
			bad++
		default:
			other++
		}
	}
	// n and the verb that goes with it: "1 is", "2 are".
	count := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	parts := []string{fmt.Sprintf("%d of %d packages install as wheels", good, len(rep.Results))}
	if blocked > 0 {
		parts = append(parts, count(blocked, "more would, but a dependency stops it", "more would, but a dependency stops them"))
	}
	if build > 0 {
		parts = append(parts, count(build, "is built from source here", "are built from source here"))
	}
	if bad > 0 {
		parts = append(parts, count(bad, "cannot be installed here", "cannot be installed here"))
	}
	if other > 0 {
		parts = append(parts, count(other, "was not checked", "were not checked"))
	}
	return strings.Join(parts, "; ") + "."
}
