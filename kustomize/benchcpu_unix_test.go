//go:build unix

package kustomize

import (
	"syscall"
	"testing"
	"time"
)

// benchLoop runs fn b.N times and also reports the process CPU time per
// operation (user+system, GC threads included), which stays meaningful on a
// shared machine where wall time does not.
func benchLoop(b *testing.B, fn func()) {
	var r0, r1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	cpu := time.Duration(r1.Utime.Nano()+r1.Stime.Nano()-r0.Utime.Nano()-r0.Stime.Nano()) * time.Nanosecond
	if n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
