package kustomize

import (
	"strings"
	"testing"

	"github.com/floe-dev/floe/golden"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// fltCase is one table row: filter f applied to in gives want, or an error
// containing err.
type fltCase struct {
	f    kio.Filter
	in   string
	want string
	err  string
}

// fltApply parses in, applies f and emits the result.
func fltApply(t *testing.T, in string, f kio.Filter) (string, error) {
	t.Helper()
	nodes, err := ParseStream([]byte(in))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	nodes, err = f.Filter(nodes)
	if err != nil {
		return "", err
	}
	out, err := EmitStream(nodes)
	if err != nil {
		t.Fatalf("emit: %v", err)
	}
	return string(out), nil
}

// fltRun runs a table of cases, checking each result and that applying the
// filter to its own output changes nothing (f(f(x)) == f(x)).
func fltRun(t *testing.T, cases map[string]fltCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := fltApply(t, fltTrim(tc.in), tc.f)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := fltTrim(tc.want); got != want {
				t.Fatalf("output differs:\n%s", golden.Diff(want, got))
			}
			fltCheckStreamShape(t, []byte(got))
			again, err := fltApply(t, got, tc.f)
			if err != nil {
				t.Fatalf("second pass: %v", err)
			}
			if again != got {
				t.Fatalf("not idempotent:\n%s", golden.Diff(got, again))
			}
		})
	}
}

// fltTrim drops the leading newline of an inline YAML literal.
func fltTrim(s string) string { return strings.TrimPrefix(s, "\n") }

// fltRoundTrip is in after parse and emit with no filter.
func fltRoundTrip(t *testing.T, in string) string {
	t.Helper()
	out, err := fltApply(t, fltTrim(in), Pipeline())
	if err != nil {
		t.Fatal(err)
	}
	return out
}
