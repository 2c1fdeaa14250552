package hostile_test

import (
	"strings"
	"testing"
)

// hostileCase is one attempt, tried through each of its doors on a fresh repository in a
// fresh sandbox.
type hostileCase struct {
	name  string
	doors []door
	// setup adds the hostile part to the base repository and tunes the invocation.
	setup func(s *sandbox, r *repo) via
	// wants: stderr must name each (the file and the field; "|" separates alternatives).
	wants []string
	// more checks, after the refusal's.
	check func(t *testing.T, s *sandbox, r *repo, res result)
}

// runRefused runs every case through every door and requires a refusal: exit 2, empty
// stdout, stderr naming the wants, no request, no process, within the bounds.
func runRefused(t *testing.T, cases []hostileCase) {
	t.Helper()
	for _, c := range cases {
		for _, d := range c.doors {
			t.Run(c.name+"/"+string(d), func(t *testing.T) {
				t.Parallel()
				s, r := newSandbox(t), newRepo(t)
				v := c.setup(s, r)
				res := s.run(r.through(d, v))
				assertRefused(t, res, c.wants...)
				if c.check != nil {
					c.check(t, s, r, res)
				}
			})
		}
	}
}

// withHost puts the local server's host:port where a text says {{server}}.
func withHost(s *sandbox, text string) string {
	return strings.ReplaceAll(text, "{{server}}", s.hostPort())
}

// overlayFiles is a setup writing the contract's overlay ({{server}} = the local server).
func overlayFiles(files map[string]string) func(s *sandbox, r *repo) via {
	return func(s *sandbox, r *repo) via {
		m := map[string]string{}
		for k, v := range files {
			m[k] = withHost(s, v)
		}
		r.overlay(m)
		return via{}
	}
}

// assertStderrBounded: a refusal's message stays short whatever the input's size.
func assertStderrBounded(limit int64) func(t *testing.T, s *sandbox, r *repo, res result) {
	return func(t *testing.T, _ *sandbox, _ *repo, res result) {
		t.Helper()
		if res.stderrBytes > limit {
			t.Errorf("stderr has %d bytes, want at most %d", res.stderrBytes, limit)
		}
	}
}

// both runs two extra checks.
func both(a, b func(t *testing.T, s *sandbox, r *repo, res result)) func(t *testing.T, s *sandbox, r *repo, res result) {
	return func(t *testing.T, s *sandbox, r *repo, res result) {
		t.Helper()
		a(t, s, r, res)
		b(t, s, r, res)
	}
}
