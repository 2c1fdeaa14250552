package render

import (
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/floe-dev/floe/config"
)

// countingRoot counts the reads that reach the underlying root.
type countingRoot struct {
	config.Root
	reads atomic.Int64
}

func (c *countingRoot) ReadFile(rel string) ([]byte, error) {
	c.reads.Add(1)
	return c.Root.ReadFile(rel)
}

// TestCachedRoot: each file is read once however many callers ask, errors are kept, and
// every caller gets its own copy.
func TestCachedRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.yaml"), "a: 1\n")
	osr, err := config.OSRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	cr := &countingRoot{Root: osr}
	c := newCachedRoot(cr)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			b, err := c.ReadFile("a.yaml")
			if err != nil || string(b) != "a: 1\n" {
				t.Errorf("ReadFile = %q, %v", b, err)
			}
			b[0] = 'X' // a caller's copy
		})
	}
	wg.Wait()
	if n := cr.reads.Load(); n != 1 {
		t.Errorf("%d reads reached the root, want 1", n)
	}
	if _, err := c.ReadFile("../escape"); err == nil || !errors.Is(err, config.ErrOutsideRoot) {
		t.Errorf("escape: %v", err)
	}
	if _, err := c.ReadFile("missing.yaml"); err == nil {
		t.Error("missing file read")
	}
	if _, err := c.ReadFile("missing.yaml"); err == nil {
		t.Error("missing file read (cached)")
	}
	if n := cr.reads.Load(); n != 3 {
		t.Errorf("%d reads reached the root, want 3 (one per distinct path)", n)
	}
	if newCachedRoot(c) != c {
		t.Error("a cached root is wrapped twice")
	}
}
