package membound

import (
	"testing"
	"time"
)

// TestWatchFiresPastLimit: growth past the limit is reported; the watch is quiet under it.
func TestWatchFiresPastLimit(t *testing.T) {
	base := InUse()
	if base == 0 {
		t.Fatal("InUse reads 0: the runtime metrics are missing")
	}
	stop := make(chan struct{})
	defer close(stop)
	quiet := Watch(base+256<<20, time.Millisecond, stop)
	over := Watch(base+32<<20, time.Millisecond, stop)
	hold := make([]byte, 64<<20)
	for i := range hold {
		hold[i] = byte(i)
	}
	select {
	case n := <-over:
		if n <= base+32<<20 {
			t.Fatalf("reported %d, not past the limit %d", n, base+32<<20)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("64 MiB past a 32 MiB bound was not reported")
	}
	select {
	case n := <-quiet:
		t.Fatalf("reported %d under its limit", n)
	default:
	}
	_ = hold[len(hold)-1]
}
