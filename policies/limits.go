package policies

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/floe-dev/floe/diag"
)

// Default bounds of an Engine (Options).
const (
	DefaultTimeout         = 2 * time.Second // one Check; one compile of contract bundles
	DefaultMaxFindings     = 50_000          // findings of one Check
	DefaultMaxMessageBytes = 8 << 20         // bytes of all findings' messages of one Check
)

// Errors (errors.Is) of a Check or compile stopped by a bound. All are input errors
// (exit 2): the gate fails closed, it never passes for want of an answer.
var (
	ErrTimeLimit   = errors.New("time limit exceeded")
	ErrResultLimit = errors.New("result limit exceeded")
	// ErrBuiltinLimit: one builtin call would have produced more than it may (D-SEC-07).
	ErrBuiltinLimit = errors.New("builtin limit exceeded")
)

// limits are an Engine's bounds, defaults filled in.
type limits struct {
	timeout         time.Duration
	maxFindings     int
	maxMessageBytes int
}

func (o Options) limits() limits {
	l := limits{timeout: o.Timeout, maxFindings: o.MaxFindings, maxMessageBytes: o.MaxMessageBytes}
	if l.timeout <= 0 {
		l.timeout = DefaultTimeout
	}
	if l.maxFindings <= 0 {
		l.maxFindings = DefaultMaxFindings
	}
	if l.maxMessageBytes <= 0 {
		l.maxMessageBytes = DefaultMaxMessageBytes
	}
	return l
}

// hasDefaultLimits reports whether o sets no bound of its own.
func (o Options) hasDefaultLimits() bool {
	return o.Timeout == 0 && o.MaxFindings == 0 && o.MaxMessageBytes == 0
}

// timeLimit is the error of work stopped by bounded's deadline, or nil when it was not:
// parent's own cancellation (an interrupt) is returned as it is, for the caller to
// report as such.
func timeLimit(what string, parent, bounded context.Context, timeout time.Duration) error {
	if err := parent.Err(); err != nil {
		return err
	}
	if errors.Is(bounded.Err(), context.DeadlineExceeded) {
		return diag.Usage(fmt.Errorf("%s: %w: stopped after %s", what, ErrTimeLimit, timeout))
	}
	return nil
}

// epoch is the clock of evaluations given no time: time.now_ns() is 0, never the host's
// clock.
var epoch = time.Unix(0, 0).UTC()

// evalTime is the evaluation clock for now: now itself, or epoch when it is zero (OPA
// would read the host's clock for a zero time).
func evalTime(now time.Time) time.Time {
	if now.IsZero() {
		return epoch
	}
	return now
}

// evaluating names an Engine's evaluations in its bound errors: with the contract's
// bundles, which are the likely cause, named.
func evaluating(bundles []Module) string {
	if len(bundles) == 0 {
		return "evaluating policies"
	}
	paths := make([]string, len(bundles))
	for i, m := range bundles {
		paths[i] = m.Path
	}
	sort.Strings(paths)
	if len(paths) > 4 {
		paths = append(paths[:4], fmt.Sprintf("and %d more", len(paths)-4))
	}
	return "evaluating policies with the contract's policy bundles (" + strings.Join(paths, ", ") + ")"
}
