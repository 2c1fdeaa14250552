package hostile_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The bounds every floe run must meet on any input, and the watchdog's hard limits
// past which it kills the process (so that a runaway floe fails the case instead of
// the machine).
//
// The time bound is on CPU (user + system, from the kernel's rusage): that is the work
// an input makes floe do, and it does not grow when a loaded machine shares its cores.
// Wall time is bounded too, loosely, so that a run that waits instead of working (a
// hang) fails the case as well.
const (
	maxCPU       = 5 * time.Second
	maxWall      = 20 * time.Second
	maxRSS       = 512 << 20
	hardWall     = 25 * time.Second
	hardRSS      = 1536 << 20
	captureLimit = 4 << 20 // bytes of stdout/stderr kept; the count goes on
	termDeadline = time.Second
)

// invocation is one floe run.
type invocation struct {
	args  []string
	dir   string    // working directory
	stdin io.Reader // nil: empty
	env   []string  // added to the sandbox's environment (later entries win)
	// terminateAfter > 0 sends SIGTERM that long after the start.
	terminateAfter time.Duration
}

// result is what the watchdog measured.
type result struct {
	args           []string
	code           int // exit code; -1 when killed by a signal
	stdout, stderr []byte
	stdoutBytes    int64 // every byte written, also past captureLimit
	stderrBytes    int64
	wall           time.Duration
	cpu            time.Duration // user + system, from the kernel's rusage of the child
	maxRSS         int64         // bytes, from the kernel's rusage of the child
	killed         string        // why the watchdog killed it ("" = it was not)
	afterTerm      time.Duration // from SIGTERM to exit, when terminateAfter was set
	termDelivered  bool          // SIGTERM reached a running process
}

// capture keeps the first captureLimit bytes and counts them all.
type capture struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	total int64
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += int64(len(p))
	if room := captureLimit - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// watch runs floe with env as its whole environment and measures it: wall time, peak
// RSS (rusage), and kills it past hardWall or hardRSS (polled from /proc).
func watch(inv invocation, env []string) result {
	res := result{args: inv.args, code: -1}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.Command(floeBin, inv.args...)
	cmd.Dir = inv.dir
	cmd.Env = env
	var out, errOut capture
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if inv.stdin != nil {
		cmd.Stdin = inv.stdin
	}
	// After floe exits, a stdin that never ends is abandoned rather than waited for.
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.killed = "start: " + err.Error()
		return res
	}
	var killedMu sync.Mutex
	kill := func(why string) {
		killedMu.Lock()
		if res.killed == "" {
			res.killed = why
		}
		killedMu.Unlock()
		_ = cmd.Process.Kill()
	}
	var termAt time.Time
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var termTimer <-chan time.Time
		if inv.terminateAfter > 0 {
			termTimer = time.After(inv.terminateAfter)
		}
		hard := time.After(hardWall)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hard:
				kill("ran past the hard limit of " + hardWall.String())
				return
			case <-termTimer:
				killedMu.Lock()
				termAt = time.Now()
				res.termDelivered = cmd.Process.Signal(syscall.SIGTERM) == nil
				killedMu.Unlock()
			case <-tick.C:
				if rss := currentRSS(cmd.Process.Pid); rss > hardRSS {
					kill("resident memory " + strconv.FormatInt(rss>>20, 10) + " MiB past the hard limit")
					return
				}
			}
		}
	}()
	err := cmd.Wait()
	end := time.Now()
	cancel()
	<-watchDone
	res.wall = end.Sub(start)
	killedMu.Lock()
	if !termAt.IsZero() {
		res.afterTerm = end.Sub(termAt)
	}
	killedMu.Unlock()
	if st := cmd.ProcessState; st != nil {
		res.code = st.ExitCode()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			res.maxRSS = ru.Maxrss << 10 // KiB on Linux
			res.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) && res.killed == "" {
		res.killed = "wait: " + err.Error()
	}
	res.stdout, res.stdoutBytes = out.buf.Bytes(), out.total
	res.stderr, res.stderrBytes = errOut.buf.Bytes(), errOut.total
	return res
}

// currentRSS is the process's resident set in bytes (0 when it is gone).
func currentRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
