package postrender

import (
	"context"

	"github.com/floe-dev/floe/policies"
)

// Gate checks objects against the policies; *policies.Engine implements it.
type Gate interface {
	Check(ctx context.Context, objs []policies.Object, p policies.Params) ([]policies.Finding, error)
	Rules() []policies.Rule
}

var _ Gate = (*policies.Engine)(nil)
