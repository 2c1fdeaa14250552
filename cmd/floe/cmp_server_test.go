package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCMPServerMaxMemory (D-ARGO-09): the real process with a --max-memory below what it
// holds once serving passes its bound and exits 2 with one line naming the bound on
// stderr and nothing on stdout; a --max-memory that is not a positive quantity of bytes
// is a usage error (exit 2) before anything is served (the values refused are
// membound.TestParseQuantity's). FLOE_MAX_MEMORY (D-SEC-08) is not read: its 32Mi, under
// the one-shot floor, would be refused before anything is served.
func TestCMPServerMaxMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir, err := os.MkdirTemp("", "floe-wd") // short: a socket path has ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "s.sock")
	for _, tc := range []struct {
		name, max string
		want      []string
	}{
		{"bound passed", "1Mi", []string{"serving on " + sock, "floe: cmp-server: memory bound exceeded: ", "MiB of memory in use, past --max-memory 1 MiB; no request was under way; exiting for a clean restart"}},
		{"not a quantity", "lots", []string{`invalid argument "lots" for "--max-memory"`, "quantity of bytes like 1Gi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "GOGC=", "GOMEMLIMIT=", "FLOE_MAX_MEMORY=32Mi",
				mainArgsEnv+"="+strings.Join([]string{"cmp-server", "--socket", sock, "--max-memory", tc.max}, "\x1f"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still serving after 60 s; stderr:\n%s", stderr.String())
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit %v, want 2; stderr:\n%s", err, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			for _, want := range tc.want {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
				}
			}
			if n := strings.Count(stderr.String(), "\n"); tc.name == "bound passed" && n != 2 {
				t.Errorf("stderr has %d lines, want the serving line and one for the bound:\n%s", n, stderr.String())
			}
		})
	}
}
