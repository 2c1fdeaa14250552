package render

import (
	"errors"
	"fmt"
	"testing"

	"github.com/floe-dev/floe/diag"
)

// TestBatchExitCode: the batch's exit code is the worst of its failures'.
func TestBatchExitCode(t *testing.T) {
	no, usage, bug := diag.No(errors.New("denied")), diag.Usage(errors.New("bad")), errors.New("bug")
	list := diag.List{{File: "p/floe.yaml", Line: 1, Col: 1, Message: "bad"}}
	tests := []struct {
		errs []error
		want int
	}{
		{[]error{no}, 1},
		{[]error{no, no}, 1},
		{[]error{no, usage}, 2},
		{[]error{list}, 2},
		{[]error{fmt.Errorf("wrapped: %w", list), no}, 2},
		{[]error{no, bug}, 3},
		{[]error{usage, bug, no}, 3},
	}
	for _, tc := range tests {
		e := &BatchError{Total: len(tc.errs)}
		for i, err := range tc.errs {
			e.Failures = append(e.Failures, ProductFailure{Path: fmt.Sprintf("p%d", i), Err: err})
		}
		if got := e.ExitCode(); got != tc.want {
			t.Errorf("%v: exit %d, want %d", tc.errs, got, tc.want)
		}
	}
}
