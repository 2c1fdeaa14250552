package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSilencedWarning: a warning ID the contract lists under policy.silence is not
// printed by render, and every other output stays the same.
func TestSilencedWarning(t *testing.T) {
	root := demoRoot(t)
	contract := filepath.Join(root, "platform", "pec-dev.yaml")
	c360 := filepath.Join(root, "demo", "customer-360")
	args := []string{"render", "--root", root, "--contract", contract, "--image-tag", renderTag, c360}
	code, loud, stderr := runFloe(args...)
	if code != 0 || !strings.Contains(stderr, "SCHED-DAGSTER-UNWIRED") {
		t.Fatalf("exit %d; the demo's warning is the premise of this test: %q", code, stderr)
	}
	b, err := os.ReadFile(contract)
	if err != nil {
		t.Fatal(err)
	}
	silenced := strings.Replace(string(b), "\npolicy:\n", "\npolicy:\n  silence: [SCHED-DAGSTER-UNWIRED]\n", 1)
	if silenced == string(b) {
		silenced = string(b) + "policy:\n  silence: [SCHED-DAGSTER-UNWIRED]\n"
	}
	if err := os.WriteFile(contract, []byte(silenced), 0o644); err != nil {
		t.Fatal(err)
	}
	code, quiet, stderr := runFloe(args...)
	if code != 0 || strings.Contains(stderr, "SCHED-DAGSTER-UNWIRED") {
		t.Fatalf("exit %d, stderr %q: want the warning silenced", code, stderr)
	}
	if quiet == "" || len(quiet) != len(loud) {
		t.Errorf("silencing a warning changed the output (%d bytes, was %d)", len(quiet), len(loud))
	}
}
