package render

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/floe-dev/floe/config"
)

// cancellingGate passes every render and cancels the batch at its first call.
type cancellingGate struct {
	cancel context.CancelFunc
	calls  atomic.Int32
}

func (g *cancellingGate) Check(ctx context.Context, in GateInput) (*PolicyReport, error) {
	g.calls.Add(1)
	g.cancel()
	return &PolicyReport{}, nil
}

// loadCountingRoot counts the floe.yaml files read through it: one per render started.
type loadCountingRoot struct {
	config.Root
	loads atomic.Int32
}

func (r *loadCountingRoot) ReadFile(rel string) ([]byte, error) {
	if path.Base(rel) == "floe.yaml" {
		r.loads.Add(1)
	}
	return r.Root.ReadFile(rel)
}

// TestBatchCancel: a cancelled batch starts no further render, returns the context's
// error and leaves nothing behind — no OutDir, no staging directory.
func TestBatchCancel(t *testing.T) {
	dir := batchRoot(t)
	for name, tc := range map[string]struct {
		cancelFirst bool
		wantCalls   int32
		maxLoads    int32 // renders started; the batch has 3 products
	}{
		"before the first render": {true, 0, 0},
		// The second render may already wait for the first's slot when the first
		// cancels; the third is never started.
		"during the first render": {false, 1, 2},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			gate := &cancellingGate{cancel: cancel}
			eng, err := NewEngine(WithGate(gate))
			if err != nil {
				t.Fatal(err)
			}
			if tc.cancelFirst {
				cancel()
			}
			parent := t.TempDir()
			o := batchOptions(t, dir, filepath.Join(parent, "out"))
			o.Jobs = 1
			counting := &loadCountingRoot{Root: o.Root}
			o.Root = counting
			res, err := eng.Batch(ctx, o)
			if !errors.Is(err, context.Canceled) || res != nil {
				t.Fatalf("Batch = %v, %v; want context.Canceled", res, err)
			}
			if got := gate.calls.Load(); got != tc.wantCalls {
				t.Errorf("%d renders reached the gate, want %d (3 products, one at a time)", got, tc.wantCalls)
			}
			if got := counting.loads.Load(); got > tc.maxLoads {
				t.Errorf("%d renders started, want at most %d", got, tc.maxLoads)
			}
			if ents, err := os.ReadDir(parent); err != nil || len(ents) != 0 {
				t.Errorf("left behind %v (%v)", ents, err)
			}
		})
	}
}
