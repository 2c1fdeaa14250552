// Package membound ends work whose memory grows past a bound. Everything floe reads is
// bounded before it is walked, but a policy bundle's builtin call or a library's own
// allocation can still grow inside one step that never looks at a context; the bound
// holds for those too, by watching what the Go runtime has mapped rather than by
// trusting each step to stop.
package membound

import (
	"runtime/metrics"
	"time"
)

// Limit is the memory the Go runtime may hold mapped (heap, stacks, metadata; released
// pages not counted) before floe gives up: well above the largest legitimate run (a
// thousand-product render --all holds about 170 MB) and below the 512 MiB every input
// must stay under.
const Limit = 448 << 20

// ServerLimit is a long-lived server's default bound (floe cmp-server --max-memory,
// D-ARGO-09): a server keeps its compiled policies and render cache and serves several
// requests at once, each with its tarball unpacked in memory. Its container's memory limit
// must be above it, by ServerHeadroom at least, so that the server, not the kernel's OOM
// killer, ends a process that grows past it.
const ServerLimit = 1 << 30

// ServerHeadroom is what a server's container limit holds beyond its bound: memory the
// runtime does not count (the executable's pages, kernel buffers) and growth between
// two samples.
const ServerHeadroom = 256 << 20

// Every is how often the watch samples the runtime's memory.
const Every = 10 * time.Millisecond

var samples = []metrics.Sample{
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
}

// InUse is the memory the runtime holds mapped, released pages not counted.
func InUse() uint64 {
	s := make([]metrics.Sample, len(samples))
	copy(s, samples)
	metrics.Read(s)
	var total, released uint64
	if s[0].Value.Kind() == metrics.KindUint64 {
		total = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		released = s[1].Value.Uint64()
	}
	if released > total {
		return 0
	}
	return total - released
}

// Watch samples InUse every interval and sends the first sample past limit on the
// returned channel; it stops when stop is closed.
func Watch(limit uint64, every time.Duration, stop <-chan struct{}) <-chan uint64 {
	return WatchReading(InUse, limit, every, stop)
}

// WatchReading is Watch sampling read instead of InUse: a server's tests give it the
// reading they need instead of allocating it.
func WatchReading(read func() uint64, limit uint64, every time.Duration, stop <-chan struct{}) <-chan uint64 {
	over := make(chan uint64, 1)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if n := read(); n > limit {
					over <- n
					return
				}
			}
		}
	}()
	return over
}

// HighWater is the admission mark of a long-lived server bounded by limit (D-ARGO-09):
// three quarters of it. Above it a server takes no new work; its collector's soft limit
// is the same mark, so memory in use stays above it only while live data does.
func HighWater(limit uint64) uint64 { return limit / 4 * 3 }
