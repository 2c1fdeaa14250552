// Package hostile_test is floe's hostile-repository suite: every repository file, env
// value and stdin stream is written by an attacker, and floe must refuse it with exit 2,
// nothing on stdout and a located message, without ever reaching the network or starting
// a process, within bounded time and memory. Every case runs the real floe binary as a
// subprocess under a watchdog (wall time, peak RSS, a hard kill), with a counting HTTP
// server as the only reachable endpoint (also set as every proxy) and fake git, kustomize,
// helm and shells first on PATH that leave a marker when run.
package hostile_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	// floeBin is the floe binary built once for this test binary.
	floeBin string
	// realGit is the system git, resolved before any case puts the fake one on PATH; the
	// suite uses it only to build fixture repositories, never through floe.
	realGit string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "floe-hostile-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	floeBin = filepath.Join(dir, "floe")
	build := exec.Command("go", "build", "-o", floeBin, "./cmd/floe")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building floe: %v\n%s", err, out)
		return 2
	}
	realGit, _ = exec.LookPath("git")
	return m.Run()
}
