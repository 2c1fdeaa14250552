package policies

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"

// bundle is one platform module declaring rule ID-01 in package pkg, with body as the
// rest of the module.
func bundle(pkg, body string) Module {
	src := fmt.Sprintf("package %s\n\nrules[\"CLK-01\"] := {\"title\": \"t\", \"severity\": \"warn\", \"remediation\": \"r\"}\n\n%s\n", pkg, body)
	return Module{Path: "platform/policies/" + strings.ReplaceAll(pkg, ".", "_") + ".rego", Source: []byte(src)}
}

// TestRulesReadTheInjectedClock: time.now_ns() is Params.Now in a bundle's own
// package and in a built-in package a bundle adds to (evaluated whole or split, at the
// same time), the epoch when Now is zero, and the epoch in the rules' metadata, which is
// read once at compile.
func TestRulesReadTheInjectedClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)
	const clockRule = `violation contains {"rule": "CLK-01", "i": 0, "msg": sprintf("now %d", [time.now_ns()])}`
	for name, tc := range map[string]struct {
		mod  Module
		now  time.Time
		want string
	}{
		"bundle package":   {bundle("floe.clock", clockRule), now, fmt.Sprintf("now %d", now.UnixNano())},
		"built-in package": {bundle("floe.labels", clockRule), now, fmt.Sprintf("now %d", now.UnixNano())},
		"no time given":    {bundle("floe.clock", clockRule), time.Time{}, "now 0"},
	} {
		t.Run(name, func(t *testing.T) {
			e, err := New(ctx, Options{ExtraBundles: []Module{tc.mod}})
			if err != nil {
				t.Fatal(err)
			}
			fs, err := e.Check(ctx, mustParse(t, "x.yaml", configMap), Params{Now: tc.now})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range fs {
				if f.Rule == "CLK-01" {
					got = append(got, f.Message)
				}
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("CLK-01 findings %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("rule metadata", func(t *testing.T) {
		mod := Module{Path: "platform/policies/meta.rego", Source: []byte(`package floe.meta

rules["META-01"] := {"title": sprintf("compiled at %d", [time.now_ns()]), "severity": "warn", "remediation": "r"}
`)}
		e, err := New(ctx, Options{ExtraBundles: []Module{mod}})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := e.Rule("META-01"); r.Title != "compiled at 0" {
			t.Errorf("title %q, want the epoch", r.Title)
		}
	})
	t.Run("gate run", func(t *testing.T) {
		e, err := New(ctx, Options{ExtraBundles: []Module{bundle("floe.clock", clockRule)}})
		if err != nil {
			t.Fatal(err)
		}
		g, err := NewGate(ctx, GateConfig{Contract: &config.Contract{}, Level: LevelWarn, Now: now, Engine: e})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := g.Run(ctx, mustParse(t, "x.yaml", configMap))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("now %d", now.UnixNano())
		found := false
		for _, f := range rep.Findings {
			found = found || f.Rule == "CLK-01" && f.Message == want
		}
		if !found {
			t.Errorf("Gate.Run findings %v lack %q", rep.Findings, want)
		}
	})
}

// TestJWTExpiryFollowsTheClock: io.jwt.decode_verify, kept for its clock, checks a
// token's expiry against Params.Now (the token expires at 1,000,000 s after the epoch).
func TestJWTExpiryFollowsTheClock(t *testing.T) {
	ctx := context.Background()
	// HS256 over {"alg":"HS256","typ":"JWT"}.{"exp":1000000} with the secret "k".
	const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjEwMDAwMDB9.EylGOTN7Q6EtmFPq7J1yEubsmGl9MYnjvMGLAgRr0Ck"
	e, err := New(ctx, Options{ExtraBundles: []Module{bundle("floe.jwt", `violation contains {"rule": "CLK-01", "i": 0, "msg": sprintf("valid %v", [valid])} if {
	[valid, _, _] := io.jwt.decode_verify("`+token+`", {"secret": "k"})
}`)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Unix(999_000, 0), "valid true"},
		{time.Unix(1_001_000, 0), "valid false"},
	} {
		fs, err := e.Check(ctx, mustParse(t, "x.yaml", configMap), Params{Now: tc.now})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.Rule == "CLK-01" {
				got = append(got, f.Message)
			}
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("at %v: %q, want %q", tc.now, got, tc.want)
		}
	}
}

// isInputError reports whether err is an exit-2 error.
func isInputError(err error) bool {
	var c diag.ExitCode
	return errors.As(err, &c) && c.ExitCode() == 2
}

// TestPathologicalEvaluationStopsAtTheDeadline: a rule iterating ten billion pairs of
// numbers is stopped at the Engine's time limit with a clear input error, promptly.
func TestPathologicalEvaluationStopsAtTheDeadline(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, Options{ExtraBundles: []Module{bundle("floe.slow",
		`violation contains {"rule": "CLK-01", "i": 0, "msg": "many"} if { some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i + j < 0 }`)}})
	if err != nil {
		t.Fatal(err)
	}
	e.limits.timeout = 200 * time.Millisecond // as Options.Timeout sets it, after a compile of any length
	start := time.Now()
	fs, err := e.Check(ctx, mustParse(t, "x.yaml", configMap), Params{})
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Check took %v", took)
	}
	const want = "evaluating policies with the contract's policy bundles (platform/policies/floe_slow.rego): time limit exceeded: stopped after 200ms"
	if err == nil || err.Error() != want || !errors.Is(err, ErrTimeLimit) || !isInputError(err) {
		t.Fatalf("Check = %d findings, %v; want the exit-2 error %q", len(fs), err, want)
	}

	// An interrupt is reported as itself, not as the time limit.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Check(cancelled, mustParse(t, "x.yaml", configMap), Params{}); !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeLimit) {
		t.Errorf("cancelled Check: %v, want context.Canceled", err)
	}
}

// TestCompileStopsAtTheDeadline: the compile of bundles is bounded by Options.Timeout
// too (the built-in policies alone take longer than a millisecond to compile).
func TestCompileStopsAtTheDeadline(t *testing.T) {
	_, err := New(context.Background(), Options{Timeout: time.Millisecond, ExtraBundles: []Module{bundle("floe.ok", "")}})
	const want = "compiling policies: time limit exceeded: stopped after 1ms"
	if err == nil || err.Error() != want || !errors.Is(err, ErrTimeLimit) || !isInputError(err) {
		t.Fatalf("New: %v; want the exit-2 error %q", err, want)
	}
	e, err := New(context.Background(), Options{Timeout: time.Second})
	if err != nil || e.limits.timeout != time.Second {
		t.Fatalf("New(Timeout: 1s) = %+v, %v", e.limits, err)
	}
}

// TestResultsAreCapped: more findings, or more message bytes, than the Engine's limits
// fail the Check with an input error.
func TestResultsAreCapped(t *testing.T) {
	ctx := context.Background()
	manyOf := func(n int) Module { // n findings of CLK-01
		return bundle("floe.many", fmt.Sprintf(`violation contains {"rule": "CLK-01", "i": 0, "msg": sprintf("finding %%d", [n])} if { some n in numbers.range(1, %d) }`, n))
	}
	many := manyOf(1986) // with the 14 findings of the built-in rules, 2000
	long := bundle("floe.long", `violation contains {"rule": "CLK-01", "i": 0, "msg": concat("", [sprintf("%d", [n]) | some n in numbers.range(1, 100000)])}`)
	for name, tc := range map[string]struct {
		opts Options
		want string
	}{
		"findings":   {Options{ExtraBundles: []Module{many}, MaxFindings: 1000}, "evaluating policies with the contract's policy bundles (platform/policies/floe_many.rego): result limit exceeded: 2000 findings, more than 1000"},
		"bytes":      {Options{ExtraBundles: []Module{long}, MaxMessageBytes: 100_000}, "evaluating policies with the contract's policy bundles (platform/policies/floe_long.rego): result limit exceeded: the findings' messages exceed 100000 bytes"},
		"within":     {Options{ExtraBundles: []Module{many}, MaxFindings: 2000}, ""},
		"built-in":   {Options{MaxFindings: 10}, "evaluating policies: result limit exceeded: 14 findings, more than 10"},
		"by default": {Options{ExtraBundles: []Module{manyOf(50_000)}}, "evaluating policies with the contract's policy bundles (platform/policies/floe_many.rego): result limit exceeded: 50014 findings, more than 50000"},
	} {
		t.Run(name, func(t *testing.T) {
			// The caps are the point here, not the time limit: a loaded machine must not
			// turn a cap into a timeout (50,000 findings take about a second).
			tc.opts.Timeout = time.Minute
			e, err := New(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Check(ctx, mustParse(t, "x.yaml", badDeployment), Params{Namespace: "floe-dev", ServiceAccount: "runner", Registry: "registry.example.com/dp", TagPolicy: "git-sha"})
			switch {
			case tc.want == "" && err != nil:
				t.Fatal(err)
			case tc.want != "" && (err == nil || err.Error() != tc.want || !errors.Is(err, ErrResultLimit) || !isInputError(err)):
				t.Fatalf("error %v, want the exit-2 error %q", err, tc.want)
			}
		})
	}
	if e, err := New(ctx, Options{}); err != nil || e.limits.maxFindings != DefaultMaxFindings {
		t.Errorf("the built-in Engine's limits are %+v, %v", e.limits, err)
	}
}

// TestPrintWritesNowhere: print in a bundle compiles and prints nothing to the
// process's stdout or stderr.
func TestPrintWritesNowhere(t *testing.T) {
	ctx := context.Background()
	e, err := New(ctx, Options{ExtraBundles: []Module{bundle("floe.print",
		`violation contains {"rule": "CLK-01", "i": 0, "msg": "printed"} if { print("LEAKED-BY-PRINT") }`)}})
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	fs, checkErr := e.Check(ctx, mustParse(t, "x.yaml", configMap), Params{})
	os.Stdout, os.Stderr = stdout, stderr
	w.Close()
	out, _ := io.ReadAll(r)
	if checkErr != nil {
		t.Fatal(checkErr)
	}
	if strings.Contains(string(out), "LEAKED-BY-PRINT") {
		t.Errorf("print wrote %q", out)
	}
	if len(fs) != 1 || fs[0].Message != "printed" {
		t.Errorf("findings %v, want the rule to hold with print erased", short(fs))
	}
}
