package review

import (
	"context"

	"github.com/floe-dev/floe/render"
)

// verdictSlot receives one render's policy report.
type verdictSlot struct{ report *render.PolicyReport }

type slotKey struct{}

// withVerdictSlot is ctx carrying s, for one render.
func withVerdictSlot(ctx context.Context, s *verdictSlot) context.Context {
	return context.WithValue(ctx, slotKey{}, s)
}

// verdictGate is the policy gate of a review: the one gate every door runs (wrapped,
// not replaced), whose report is handed to the render's verdictSlot. A denied render
// is still rendered, so its diff can be shown next to the findings that deny it.
type verdictGate struct{ inner render.Gate }

// Check implements render.Gate.
func (g verdictGate) Check(ctx context.Context, in render.GateInput) (*render.PolicyReport, error) {
	rep, err := g.inner.Check(ctx, in)
	if err != nil {
		return nil, err
	}
	if s, ok := ctx.Value(slotKey{}).(*verdictSlot); ok {
		s.report = rep
	}
	if !rep.Denied {
		return rep, nil
	}
	passed := *rep
	passed.Denied = false
	return &passed, nil
}
