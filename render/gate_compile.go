package render

import (
	"context"
)

// pendingGate is a PolicyGate compiling in the background. NewEngine starts the compile
// and returns at once, so a fresh process runs its first render's load, helm, filter
// and emit stages on one core while the policies compile on another (the compile is the
// largest single cost of a fresh `floe render`); Check waits for the compile.
type pendingGate struct {
	done chan struct{}
	g    *PolicyGate
	err  error
}

func compileGate() *pendingGate {
	p := &pendingGate{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.g, p.err = NewPolicyGate(context.Background())
	}()
	return p
}

// Check implements Gate: it reads the output back, then waits for the compile.
func (p *pendingGate) Check(ctx context.Context, in GateInput) (*PolicyReport, error) {
	objs, err := gateObjects(in)
	if err != nil {
		return nil, err
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if p.err != nil {
		return nil, p.err
	}
	return p.g.check(ctx, in, objs)
}
