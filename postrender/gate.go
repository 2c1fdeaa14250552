package postrender

import (
	"context"

	"github.com/floe-dev/floe/policies"
)

// Gate checks objects against the policies; *policies.Engine and *policies.Compiling
// implement it.
type Gate interface {
	Check(ctx context.Context, objs []policies.Object, p policies.Params) ([]policies.Finding, error)
	Rules() []policies.Rule
}

var (
	_ Gate = (*policies.Engine)(nil)
	_ Gate = (*policies.Compiling)(nil)
)
