package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestCheckRefusesABundleReachingTheNetwork: a contract bundle calling http.send is an
// input error (exit 2, nothing on stdout) naming the file, line and builtin, and the
// server it names receives nothing.
func TestCheckRefusesABundleReachingTheNetwork(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	dir := caseDir(t, "good", func(c, m string) (string, string) {
		return c + "  bundles: [platform/policies]\n", m
	})
	if err := os.MkdirAll(filepath.Join(dir, "platform", "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	rego := fmt.Sprintf(`package floe.evil

rules["EVIL-01"] := {"title": "t", "severity": "deny", "remediation": "r"}

violation contains {"rule": "EVIL-01", "i": 0, "msg": "m"} if {
	http.send({"method": "GET", "url": %q}).status_code == 200
}
`, srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "platform", "policies", "evil.rego"), []byte(rego), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := checkRun("", "check", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml"), filepath.Join(dir, "input.yaml"))
	const want = "platform/policies/evil.rego:6:2: builtin http.send is not allowed: policy bundles may use only hermetic builtins"
	if code != 2 || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, and %q", code, out, stderr, want)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server received %d requests", n)
	}
}
