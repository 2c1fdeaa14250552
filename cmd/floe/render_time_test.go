package main

import (
	"testing"
	"time"
)

// TestFixedRenderTime: only a parsable SOURCE_DATE_EPOCH fixes the render time (the
// cmp-server puts a fixed time into its cache keys, so a clock time must not count as one).
func TestFixedRenderTime(t *testing.T) {
	for v, want := range map[string]bool{"": false, "1767225600": true, "yesterday": false, "1e9": false} {
		got, fixed := fixedRenderTime(func(string) string { return v })
		if fixed != want {
			t.Errorf("SOURCE_DATE_EPOCH=%q: fixed %v, want %v", v, fixed, want)
		}
		if want && !got.Equal(time.Unix(1767225600, 0)) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: %v", v, got)
		}
	}
}
