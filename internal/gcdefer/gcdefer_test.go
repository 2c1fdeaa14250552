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

// TestLongLived: a server's pacing holds from the call on and is what the first
// collection leaves behind; GOGC/GOMEMLIMIT leave it alone.
func TestLongLived(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer func() { pacing.percent, pacing.limit = 100, math.MaxInt64 }()

	if LongLived(func(k string) string { return map[string]string{"GOGC": "50"}[k] }, 400, 1<<30) {
		t.Error("paced although the environment chose")
	}
	if !Defer(func(string) string { return "" }) {
		t.Fatal("not deferred")
	}
	if !LongLived(func(string) string { return "" }, 400, 1<<30) {
		t.Fatal("not paced")
	}
	if p, l := debug.SetGCPercent(400), debug.SetMemoryLimit(-1); p != 400 || l != 1<<30 {
		t.Errorf("after LongLived: GOGC %d, limit %d; want 400, %d", p, l, 1<<30)
	}
	// The finalizer runs soon after the first collection; watch for a while that it
	// leaves the server's pacing in place.
	for range 20 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if p, l := debug.SetGCPercent(400), debug.SetMemoryLimit(-1); p != 400 || l != 1<<30 {
			t.Fatalf("after the first collection: GOGC %d, limit %d; want 400, %d", p, l, 1<<30)
		}
	}
}
