package render

import (
	"context"
	"errors"
	"testing"
)

// TestPendingGate: Check waits for the background compile, reports its error, and gives
// up when the context ends first.
func TestPendingGate(t *testing.T) {
	failed := &pendingGate{done: make(chan struct{}), err: errors.New("compiling policies: boom")}
	close(failed.done)
	if _, err := failed.Check(context.Background(), GateInput{}); err == nil || err.Error() != "compiling policies: boom" {
		t.Errorf("failed compile: %v", err)
	}
	stuck := &pendingGate{done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := stuck.Check(ctx, GateInput{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
	// the real one: a render through a fresh engine is judged by the compiled policies
	eng, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := eng.gate.(*pendingGate); !ok {
		t.Fatalf("NewEngine's gate is %T", eng.gate)
	}
	o := batchOptions(t, batchRoot(t), "").Options
	o.ProductPath = "products/customer-360"
	res, err := eng.Render(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Evidence == nil || res.Evidence.Policy == nil || res.Evidence.Policy.Level == "" {
		t.Errorf("render not judged by the policy gate: %+v", res.Evidence)
	}
}
