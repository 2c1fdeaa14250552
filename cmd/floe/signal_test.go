package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/internal/membound"
)

// mainArgsEnv makes the test binary run main with these arguments (separated by the
// unit separator, 0x1f), so a test can drive the real process (signals, exit codes)
// without building floe.
const mainArgsEnv = "FLOE_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(mainArgsEnv); ok {
		if floor, ok := os.LookupEnv(memoryFloorEnv); ok {
			n, err := membound.ParseQuantity(floor)
			if err != nil {
				panic(err)
			}
			memoryFloor = n
		}
		os.Args = append([]string{"floe"}, strings.Split(args, "\x1f")...)
		main()
	}
	os.Exit(m.Run())
}

// TestSignalEndsStuckCommand: SIGTERM or SIGINT ends a post-render stuck reading a stdin
// that never closes (a read that never looks at its context) within a second, with
// nothing on stdout and the exit code 128+signal.
func TestSignalEndsStuckCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := filepath.Join(golden.Dir(t), "check", "bad")
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(),
				mainArgsEnv+"="+strings.Join([]string{"post-render", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml")}, "\x1f"),
				"FLOE_POST_RENDER_LOG="+filepath.Join(t.TempDir(), "log"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			// More than a pipe holds: once written, the command is reading stdin (and
			// its signal handling is in place).
			if _, err := stdin.Write(bytes.Repeat([]byte("a: b\n"), 1<<18)); err != nil {
				t.Fatalf("writing stdin: %v\nstderr: %s", err, stderr.String())
			}
			start := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case err = <-waited:
			case <-time.After(5 * time.Second):
				t.Fatalf("still running 5 s after %v", tc.sig)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("ended %v after %v, want within 1 s", d, tc.sig)
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tc.code {
				t.Errorf("exit: %v, want code %d\nstderr: %s", err, tc.code, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
			if !strings.Contains(stderr.String(), "floe: interrupted; nothing written") {
				t.Errorf("stderr: %q", stderr.String())
			}
		})
	}
}

// stuckStdin stages a directory, as a writer half-way through would, then blocks
// forever without looking at any context.
type stuckStdin struct {
	target  string
	reached chan struct{}
}

func (s *stuckStdin) Read([]byte) (int, error) {
	if _, err := atomicwrite.StageDir(s.target); err != nil {
		return 0, err
	}
	close(s.reached)
	select {}
}

// TestSignalRemovesStaged: when the grace runs out, the files a stuck command staged
// are removed before the process ends, and stdout stays empty.
func TestSignalRemovesStaged(t *testing.T) {
	dir := filepath.Join(golden.Dir(t), "check", "bad")
	t.Setenv("FLOE_POST_RENDER_LOG", filepath.Join(t.TempDir(), "log"))
	parent := t.TempDir()
	in := &stuckStdin{target: filepath.Join(parent, "out"), reached: make(chan struct{})}
	var stdout, stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- runMain([]string{"post-render", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml")}, in, &stdout, &stderr)
	}()
	select {
	case <-in.reached:
	case <-time.After(30 * time.Second):
		t.Fatal("the command never read stdin")
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Fatalf("nothing staged: %v", ents)
	}
	start := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 143 {
			t.Errorf("exit %d, want 143", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still running")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %q", stdout.String())
	}
}

// heldStdin is a stream handed over only once release is closed.
type heldStdin struct {
	data    *bytes.Reader
	reached chan struct{}
	release chan struct{}
	once    bool
}

func (h *heldStdin) Read(p []byte) (int, error) {
	if !h.once {
		h.once = true
		close(h.reached)
		<-h.release
	}
	return h.data.Read(p)
}

// TestSignalCommandReturnsInGrace: a command that returns within the grace after the
// signal (here: its stdin arrives, then its context is found cancelled) ends with
// 128+signal and nothing on stdout, although its input was good.
func TestSignalCommandReturnsInGrace(t *testing.T) {
	dir := filepath.Join(golden.Dir(t), "check", "bad")
	t.Setenv("FLOE_POST_RENDER_LOG", filepath.Join(t.TempDir(), "log"))
	input, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	in := &heldStdin{data: bytes.NewReader(input), reached: make(chan struct{}), release: make(chan struct{})}
	var stdout, stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- runMain([]string{"post-render", "--root", dir, "--contract", filepath.Join(dir, "contract.yaml")}, in, &stdout, &stderr)
	}()
	<-in.reached
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	close(in.release)
	if c := <-code; c != 130 {
		t.Errorf("exit %d, want 130\nstderr: %s", c, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "floe: interrupted; nothing written") {
		t.Errorf("stderr: %q", stderr.String())
	}
}
