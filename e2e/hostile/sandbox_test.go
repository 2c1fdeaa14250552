package hostile_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fakeTools are the programs floe must never start. Each is a script, first on PATH,
// that appends its name and arguments to the sandbox's marker file.
var fakeTools = []string{"git", "kustomize", "helm", "kubectl", "sh", "bash", "opa", "curl", "wget", "python3", "docker", "podman"}

// sandbox is the world one case runs floe in: a counting HTTP server (also every proxy),
// fake tools on PATH, its own HOME and TMPDIR.
type sandbox struct {
	t        *testing.T
	server   *httptest.Server
	requests atomic.Int64
	mu       sync.Mutex
	seen     []string // method and URL of every request
	bin      string   // fake tools
	marker   string   // written by a fake tool when run
	tmp      string   // TMPDIR
	home     string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	s := &sandbox{t: t}
	s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.URL.String())
		s.mu.Unlock()
		// Answer with something a loader would accept, so that a fetch shows up in the
		// output as well as in the count.
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched-from-the-network\ndata:\n  pwned: \"true\"\n")
	}))
	t.Cleanup(s.server.Close)
	dir := t.TempDir()
	s.bin = filepath.Join(dir, "bin")
	s.marker = filepath.Join(dir, "ran-a-process")
	s.tmp = filepath.Join(dir, "tmp")
	s.home = filepath.Join(dir, "home")
	for _, d := range []string{s.bin, s.tmp, s.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range fakeTools {
		script := fmt.Sprintf("#!/bin/sh\necho %q \"$@\" >> %q\nexit 1\n", name, s.marker)
		if err := os.WriteFile(filepath.Join(s.bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// url is the local server's address (host:port, no scheme).
func (s *sandbox) hostPort() string { return strings.TrimPrefix(s.server.URL, "http://") }

// environ is floe's whole environment: nothing inherited from the test process.
func (s *sandbox) environ(extra []string) []string {
	env := []string{
		"PATH=" + s.bin,
		"HOME=" + s.home,
		"TMPDIR=" + s.tmp,
		"HTTP_PROXY=" + s.server.URL,
		"HTTPS_PROXY=" + s.server.URL,
		"http_proxy=" + s.server.URL,
		"https_proxy=" + s.server.URL,
		"ALL_PROXY=" + s.server.URL,
		"all_proxy=" + s.server.URL,
		"NO_PROXY=",
		"no_proxy=",
		"NO_COLOR=1",
		"GIT_CONFIG_NOSYSTEM=1",
	}
	return append(env, extra...)
}

// run runs floe under the watchdog and checks what every run must meet: no request
// reached the server, no process was started, within maxCPU, maxWall and maxRSS, not killed.
func (s *sandbox) run(inv invocation) result {
	s.t.Helper()
	res := watch(inv, s.environ(inv.env))
	s.assertContained(res)
	return res
}

// assertContained checks the bounds and the sandbox's witnesses.
func (s *sandbox) assertContained(res result) {
	t := s.t
	t.Helper()
	what := "floe " + strings.Join(res.args, " ")
	if len(what) > 200 {
		what = what[:200] + "…"
	}
	if res.killed != "" {
		t.Errorf("%s: watchdog: %s (wall %v, stderr %s)", what, res.killed, res.wall.Round(1e6), excerpt(res.stderr))
	}
	if res.cpu > maxCPU {
		t.Errorf("%s: used %v of CPU, over the %v bound", what, res.cpu.Round(1e6), maxCPU)
	}
	if res.wall > maxWall {
		t.Errorf("%s: took %v, over the %v bound", what, res.wall.Round(1e6), maxWall)
	}
	if res.maxRSS > maxRSS {
		t.Errorf("%s: peak RSS %d MiB, over the %d MiB bound", what, res.maxRSS>>20, maxRSS>>20)
	}
	if n := s.requests.Load(); n != 0 {
		s.mu.Lock()
		t.Errorf("%s: the local HTTP server received %d request(s): %v", what, n, s.seen)
		s.mu.Unlock()
	}
	if b, err := os.ReadFile(s.marker); err == nil {
		t.Errorf("%s: floe started a process: %s", what, strings.TrimSpace(string(b)))
	}
}

// assertRefused: exit 2, empty stdout, and stderr naming every want (each want may list
// alternatives separated by "|"; matched case-insensitively). stderr is shown once.
func assertRefused(t *testing.T, res result, wants ...string) {
	t.Helper()
	var problems []string
	if res.code != 2 {
		problems = append(problems, fmt.Sprintf("exit %d, want 2 (refused)", res.code))
	}
	if res.stdoutBytes != 0 {
		problems = append(problems, fmt.Sprintf("stdout has %d bytes, want none: %s", res.stdoutBytes, shortExcerpt(res.stdout)))
	}
	problems = append(problems, missing(res.stderr, wants)...)
	if len(problems) > 0 {
		t.Errorf("%s\n  stderr: %s", strings.Join(problems, "; "), excerpt(res.stderr))
	}
}

// assertMentions checks that text names every want (alternatives separated by "|").
func assertMentions(t *testing.T, text []byte, wants ...string) {
	t.Helper()
	if m := missing(text, wants); len(m) > 0 {
		t.Errorf("%s\n  text: %s", strings.Join(m, "; "), excerpt(text))
	}
}

// missing lists the wants text does not name.
func missing(text []byte, wants []string) []string {
	var out []string
	lower := strings.ToLower(string(text))
	for _, w := range wants {
		found := false
		for _, alt := range strings.Split(w, "|") {
			if strings.Contains(lower, strings.ToLower(alt)) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("stderr does not name %q", w))
		}
	}
	return out
}

// shortExcerpt is the start of a stream.
func shortExcerpt(b []byte) string {
	if len(b) > 120 {
		return fmt.Sprintf("%q…", b[:120])
	}
	return fmt.Sprintf("%q", b)
}

// excerpt shortens a stream for a failure message.
func excerpt(b []byte) string {
	const n = 600
	s := string(b)
	if len(s) > n {
		return fmt.Sprintf("%q… (%d bytes)", s[:n], len(s))
	}
	return fmt.Sprintf("%q", s)
}
