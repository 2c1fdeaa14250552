// Package gcdefer holds back the first garbage collection of a short-lived floe process.
// Import it for its side effect, from package main only:
//
//	import _ "github.com/floe-dev/floe/internal/gcdefer"
//
// It depends on nothing but the runtime, so Go initializes it early — before the heavy
// package initializers (Helm's JSON-schema meta-schemas, the Kubernetes scheme, OPA),
// which would otherwise already collect twice.
package gcdefer

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// FirstGC is the heap size the first garbage collection waits for.
const FirstGC = 128 << 20

func init() { Defer(os.Getenv) }

// Defer turns the collector off with a FirstGC memory limit, and back to the usual
// GOGC=100 pacing without a limit after the first collection. A one-product render
// (policy compile included) allocates well under FirstGC and finishes without
// collecting, about a fifth less CPU; a batch or a big post-render stream collects
// normally once it has grown. GOGC or GOMEMLIMIT in the environment take precedence:
// then nothing changes and Defer reports false.
func Defer(getenv func(string) string) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(FirstGC)
	// A finalizer runs after the collection that finds its object unreachable: the
	// first one, since nothing refers to this sentinel.
	runtime.SetFinalizer(new([16]byte), func(*[16]byte) {
		pacing.Lock()
		defer pacing.Unlock()
		debug.SetMemoryLimit(pacing.limit)
		debug.SetGCPercent(pacing.percent)
	})
	return true
}

// pacing is what the collector runs with after the first collection.
var pacing = struct {
	sync.Mutex
	percent int
	limit   int64
}{percent: 100, limit: math.MaxInt64}

// LongLived paces the collector of a long-lived server (floe cmp-server): GOGC=percent
// with a soft memory limit, from now on and after the first collection. A server keeps
// its compiled policies and render cache live, and every request allocates its
// unpacked tarball anew; a higher percent makes collections rarer, so fewer requests
// pay for one, and the limit still brings them back as the heap nears it. GOGC or
// GOMEMLIMIT in the environment take precedence: then nothing changes and LongLived
// reports false.
func LongLived(getenv func(string) string, percent int, limit int64) bool {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	pacing.Lock()
	defer pacing.Unlock()
	pacing.percent, pacing.limit = percent, limit
	debug.SetMemoryLimit(limit)
	debug.SetGCPercent(percent)
	return true
}
