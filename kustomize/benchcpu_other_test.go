//go:build !unix

package kustomize

import "testing"

// benchLoop runs fn b.N times.
func benchLoop(b *testing.B, fn func()) {
	for b.Loop() {
		fn()
	}
}
