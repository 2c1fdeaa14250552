package gcdefer

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	_ "github.com/floe-dev/floe/golden" // knows -update
)

// TestDefer: the collector is off with a FirstGC limit until the first
// collection, then back on GOGC=100 without a limit; GOGC/GOMEMLIMIT leave it alone.
func TestDefer(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	for _, env := range []map[string]string{{"GOGC": "50"}, {"GOMEMLIMIT": "1GiB"}} {
		if Defer(func(k string) string { return env[k] }) {
			t.Errorf("%v: deferred although the environment chose", env)
		}
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("%v: GOGC changed to %d", env, p)
		}
	}

	if !Defer(func(string) string { return "" }) {
		t.Fatal("not deferred")
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GOGC before the first collection = %d, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != FirstGC {
		t.Errorf("memory limit = %d, want %d", l, FirstGC)
	}
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) != math.MaxInt64 {
		if time.Now().After(deadline) {
			t.Fatal("memory limit still set after collections")
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GOGC after the first collection = %d, want 100", p)
	}
}
