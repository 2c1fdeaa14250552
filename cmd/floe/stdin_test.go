package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/golden"
)

// endless is a stdin that never ends: "a: b\n" over and over.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "a: b\n"[i%5]
	}
	return len(p), nil
}

// laughsStream is a "billion laughs" document (10^10 nodes once expanded).
func laughsStream() string {
	var b strings.Builder
	b.WriteString("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}

// TestStdinBounded: every command reading stdin stops at the same limit, says so naming
// stdin and the limit, exits 2 and writes nothing; an alias bomb on stdin is refused
// before anything expands it.
func TestStdinBounded(t *testing.T) {
	dir := filepath.Join(golden.Dir(t), "check", "bad")
	contract := filepath.Join(dir, "contract.yaml")
	for _, tc := range []struct {
		name  string
		stdin io.Reader
		args  []string
		want  string
	}{
		{"post-render endless", endless{}, []string{"post-render", "--root", dir, "--contract", contract}, "post-render: stdin: larger than the 64 MiB limit; refusing"},
		{"check endless", endless{}, []string{"check", "--root", dir, "--contract", contract, "-"}, "floe: stdin: larger than the 64 MiB limit; refusing"},
		{"diff endless", endless{}, []string{"diff", "--from", "-", "--to", contract}, "floe: <stdin>: larger than the 64 MiB limit; refusing"},
		{"post-render bomb", strings.NewReader(laughsStream()), []string{"post-render", "--root", dir, "--contract", contract}, "YAML aliases expand to more than 100000 nodes"},
		{"check bomb", strings.NewReader(laughsStream()), []string{"check", "--root", dir, "--contract", contract, "-"}, "stdin:5:45: YAML aliases expand to more than 100000 nodes"},
		{"diff bomb", strings.NewReader(laughsStream()), []string{"diff", "--from", "-", "--to", contract}, "<stdin>:5:45: YAML aliases expand to more than 100000 nodes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("FLOE_POST_RENDER_LOG", filepath.Join(t.TempDir(), "log"))
			var out, errb bytes.Buffer
			start := time.Now()
			code := run(context.Background(), tc.args, tc.stdin, &out, &errb)
			if code != 2 || out.Len() != 0 {
				t.Fatalf("exit %d, %d bytes on stdout; want 2 and nothing\nstderr: %s", code, out.Len(), errb.String())
			}
			if !strings.Contains(errb.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tc.want)
			}
			// a bomb expanded would take hours; the bound is loose for a loaded machine
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
