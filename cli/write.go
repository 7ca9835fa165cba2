package cli

import (
	"errors"
	"fmt"

	"github.com/pyhangar/pyhangar/platform"
)

// replaceHint adds to a refusal to replace a file of the user's the flag
// that would.
func replaceHint(err error) error {
	var exists *platform.ExistsError
	if errors.As(err, &exists) {
		return fmt.Errorf("%w; pass --replace to replace it", err)
	}
	return err
}
