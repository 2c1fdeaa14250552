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

	"github.com/floe-dev/floe/golden"
)

// memoryFloorEnv lowers memoryFloor in the test binary run as floe (TestMain), so that a
// small input can pass a bound FLOE_MAX_MEMORY sets; floe itself never reads it.
const memoryFloorEnv = "FLOE_TEST_MEMORY_FLOOR"

// TestMaxMemoryEnv (D-SEC-08): the real process renders under the default bound and under
// a raised one; under a FLOE_MAX_MEMORY below what a render holds it is refused (exit 2,
// nothing on stdout, the bound and the variable to raise named); a FLOE_MAX_MEMORY that
// is not a quantity between 64Mi and 64Gi is refused before anything runs, naming the
// variable and the value.
func TestMaxMemoryEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := filepath.Join(golden.Dir(t), "render", "hello-orders-dagster")
	args := []string{"render", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml"),
		"--runtime", "dagster", "--image-tag", "abc1234", filepath.Join(dir, "product")}
	for _, tc := range []struct {
		name  string
		env   []string // added; FLOE_MAX_MEMORY is unset unless it is here
		code  int
		out   bool // stdout has the rendered objects
		want  []string
		floor string // memoryFloorEnv
	}{
		{name: "default", code: 0, out: true},
		{name: "raised", env: []string{"FLOE_MAX_MEMORY=2Gi"}, code: 0, out: true},
		{name: "raised, a fraction of Gi", env: []string{"FLOE_MAX_MEMORY=1.5Gi"}, code: 0, out: true},
		{name: "passed", env: []string{"FLOE_MAX_MEMORY=8Mi"}, floor: "1Mi", code: 2,
			want: []string{"floe: the input needs more than 8 MiB of memory (", "MiB in use); refusing, nothing written (the platform may raise the bound with FLOE_MAX_MEMORY, e.g. FLOE_MAX_MEMORY=1Gi)"}},
		{name: "not a quantity", env: []string{"FLOE_MAX_MEMORY=lots"}, code: 2,
			want: []string{`floe: FLOE_MAX_MEMORY: "lots" is not a quantity of bytes like 1Gi or 512Mi`}},
		{name: "zero", env: []string{"FLOE_MAX_MEMORY=0"}, code: 2,
			want: []string{`floe: FLOE_MAX_MEMORY: "0" is not a positive whole number of bytes`}},
		{name: "negative", env: []string{"FLOE_MAX_MEMORY=-1Gi"}, code: 2,
			want: []string{`floe: FLOE_MAX_MEMORY: "-1Gi" is not a positive whole number of bytes`}},
		{name: "a fraction", env: []string{"FLOE_MAX_MEMORY=0.5"}, code: 2,
			want: []string{`floe: FLOE_MAX_MEMORY: "0.5" is not a positive whole number of bytes`}},
		{name: "under the floor", env: []string{"FLOE_MAX_MEMORY=32Mi"}, code: 2,
			want: []string{`floe: FLOE_MAX_MEMORY: "32Mi" is outside 64Mi..64Gi (the default is 448Mi)`}},
		{name: "over the ceiling", env: []string{"FLOE_MAX_MEMORY=65Gi"}, code: 2,
			want: []string{`floe: FLOE_MAX_MEMORY: "65Gi" is outside 64Mi..64Gi`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			env := []string{"GOGC=", "GOMEMLIMIT=", "FLOE_MAX_MEMORY=", memoryFloorEnv + "=" + tc.floor}
			if tc.floor == "" {
				env[3] = memoryFloorEnv + "=64Mi" // as floe has it
			}
			cmd.Env = append(append(append(os.Environ(), env...), tc.env...),
				mainArgsEnv+"="+strings.Join(args, "\x1f"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running after 60 s; stderr:\n%s", stderr.String())
			}
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if got := strings.Contains(stdout.String(), "kind: Deployment"); got != tc.out {
				t.Errorf("stdout has the render: %v, want %v; stdout:\n%.300s", got, tc.out, stdout.String())
			}
			if !tc.out && stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			for _, want := range tc.want {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
				}
			}
			if tc.name == "not a quantity" { // what the message points to says it
				help := exec.Command(os.Args[0], "-test.run=^$")
				help.Env = append(os.Environ(), mainArgsEnv+"=--help")
				out, err := help.Output()
				if err != nil || !strings.Contains(string(out), "FLOE_MAX_MEMORY from the environment (a quantity, 64Mi to 64Gi") {
					t.Errorf("floe --help: %v, does not say FLOE_MAX_MEMORY's range:\n%s", err, out)
				}
			}
			if tc.code == 2 && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", strings.Count(stderr.String(), "\n"), stderr.String())
			}
		})
	}
}
