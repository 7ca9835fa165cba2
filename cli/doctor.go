package cli

import (
	"context"

	"github.com/pyhangar/pyhangar/doctor"
)

// examine gathers this machine's facts for the doctor.
func examine(ctx context.Context, s *Session) ([]doctor.Finding, error) {
	return s.Hangar.Doctor(ctx, nil)
}
