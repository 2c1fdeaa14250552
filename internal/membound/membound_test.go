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

// TestWatchReading: the injected reading is what the watch compares; the first sample past
// the limit is reported once, samples at the limit are not.
func TestWatchReading(t *testing.T) {
	readings := make(chan uint64, 8)
	for _, n := range []uint64{10, 100, 101, 500} {
		readings <- n
	}
	read := func() uint64 {
		select {
		case n := <-readings:
			return n
		default:
			return 0
		}
	}
	stop := make(chan struct{})
	defer close(stop)
	select {
	case n := <-WatchReading(read, 100, time.Millisecond, stop):
		if n != 101 {
			t.Fatalf("reported %d, want the first sample past 100 (101)", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a reading past the limit was not reported")
	}
	if got := len(readings); got != 1 {
		t.Errorf("%d readings left, want 1 (the watch stops at the first past the limit)", got)
	}
}

func TestHighWater(t *testing.T) {
	for _, tc := range []struct{ limit, want uint64 }{{1 << 30, 768 << 20}, {448 << 20, 336 << 20}, {0, 0}} {
		if got := HighWater(tc.limit); got != tc.want {
			t.Errorf("HighWater(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}
