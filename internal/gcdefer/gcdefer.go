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
		debug.SetMemoryLimit(math.MaxInt64)
		debug.SetGCPercent(100)
	})
	return true
}
