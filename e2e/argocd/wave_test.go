package argocde2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v3/cmpserver/apiclient"
)

// TestRefreshWave measures one refresh wave of a monorepo through Argo CD's client code
// (bench/argocd-wave.sh; skipped unless FLOE_BENCH_PRODUCTS is set): every product
// generated once, FLOE_BENCH_PARALLEL at a time, by argocd-cmp-server running `floe
// argocd generate` (exec mode) and by `floe cmp-server`, side by side in one run. It
// reports apps per minute (wall time of the wave) and the server's CPU per app (median
// and p95 over one app at a time; the server process and, in exec mode, its children),
// and fails if any product's manifests differ between the two.
func TestRefreshWave(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("FLOE_BENCH_PRODUCTS"))
	if n == 0 {
		t.Skip("set FLOE_BENCH_PRODUCTS (bench/argocd-wave.sh)")
	}
	parallel := 4
	if v, err := strconv.Atoi(os.Getenv("FLOE_BENCH_PARALLEL")); err == nil && v > 0 {
		parallel = v
	}
	repoDir, apps := monorepo(t, n)
	var rows []waveRow

	execSrv := startArgoCMPServer(t)
	want, row := wave(t, "exec: argocd-cmp-server + floe argocd generate", execSrv, apps, repoDir, parallel)
	rows = append(rows, row, perApp(t, "exec: same, one app at a time", execSrv, apps, repoDir, want))

	floeSrv := startFloeCMPServer(t, "--max-concurrent", strconv.Itoa(parallel))
	got, row := wave(t, "floe cmp-server, first wave (renders)", floeSrv, apps, repoDir, parallel)
	rows = append(rows, row)
	got2, row := wave(t, "floe cmp-server, same commit again (cache)", floeSrv, apps, repoDir, parallel)
	rows = append(rows, row, perApp(t, "floe cmp-server, cached, one app at a time", floeSrv, apps, repoDir, want))
	peak := peakRSS(t, floeSrv.cmd.Process.Pid)
	cold := startFloeCMPServer(t, "--cache-entries", "0")
	rows = append(rows, perApp(t, "floe cmp-server, no cache, one app at a time", cold, apps, repoDir, want))
	for i, a := range apps {
		if !slices.Equal(got[i], want[i]) || !slices.Equal(got2[i], want[i]) {
			t.Errorf("%s: floe cmp-server's manifests differ from exec mode's", a.path)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%d products, %d at a time, one refresh wave through Argo CD's client code\n\n", n, parallel)
	b.WriteString("| server | apps/min | CPU per app, median | CPU per app, p95 |\n|---|---:|---:|---:|\n")
	for _, r := range rows {
		rate := "—"
		if r.perMinute > 0 {
			rate = fmt.Sprintf("%.0f", r.perMinute)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.name, rate, ms(r.median), ms(r.p95))
	}
	fmt.Fprintf(&b, "\nfloe cmp-server's peak RSS over both waves and the cached one-at-a-time pass: %.1f MB\n", float64(peak)/1e6)
	t.Log("\n" + b.String())
	if out := os.Getenv("FLOE_BENCH_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type waveRow struct {
	name        string
	perMinute   float64
	median, p95 time.Duration // CPU per app
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// wave generates every app, parallel at a time, and returns the manifests (in apps
// order) and the wave's apps per minute, with its mean CPU per app as median and p95.
func wave(t *testing.T, name string, srv *server, apps []app, repoDir string, parallel int) ([][]string, waveRow) {
	t.Helper()
	clients := make([]apiclient.ConfigManagementPluginServiceClient, parallel)
	for i := range clients {
		clients[i] = srv.client(t)
	}
	out := make([][]string, len(apps))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	cpu0 := processCPU(t, srv.cmd.Process.Pid)
	start := time.Now()
	for w := range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				m, err := generateOn(t, clients[w], apps[i], repoDir)
				if err == nil && len(m) == 0 {
					err = fmt.Errorf("no manifests")
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s: %s: %w", name, apps[i].path, err)
				}
				out[i] = m
				mu.Unlock()
			}
		}()
	}
	for i := range apps {
		next <- i
	}
	close(next)
	wg.Wait()
	wall := time.Since(start)
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	mean := (processCPU(t, srv.cmd.Process.Pid) - cpu0) / time.Duration(len(apps))
	return out, waveRow{name: name, perMinute: float64(len(apps)) / wall.Minutes(), median: mean, p95: mean}
}

// perApp generates every app one at a time and records the server's CPU for each.
func perApp(t *testing.T, name string, srv *server, apps []app, repoDir string, want [][]string) waveRow {
	t.Helper()
	c := srv.client(t)
	var cpu []time.Duration
	start := time.Now()
	for i, a := range apps {
		before := processCPU(t, srv.cmd.Process.Pid)
		m, err := generateOn(t, c, a, repoDir)
		if err != nil {
			t.Fatalf("%s: %s: %v", name, a.path, err)
		}
		cpu = append(cpu, processCPU(t, srv.cmd.Process.Pid)-before)
		if !slices.Equal(m, want[i]) {
			t.Errorf("%s: %s: manifests differ from exec mode's", name, a.path)
		}
	}
	wall := time.Since(start)
	slices.Sort(cpu)
	return waveRow{
		name: name, perMinute: float64(len(apps)) / wall.Minutes(),
		median: cpu[len(cpu)/2], p95: cpu[(len(cpu)*95+99)/100-1],
	}
}

// processCPU is the CPU time of process pid: its threads' run time in nanoseconds
// (/proc/PID/task/*/schedstat) plus its reaped children's user and system time
// (/proc/PID/stat, clock ticks of 10 ms).
func processCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("no /proc schedstat for %d: %v", pid, err)
	}
	var total time.Duration
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // a thread that just ended
		}
		f := strings.Fields(string(b))
		ns, _ := strconv.ParseInt(f[0], 10, 64)
		total += time.Duration(ns)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:]) // fields from 3 (state) on
	cutime, _ := strconv.ParseInt(f[13], 10, 64)             // field 16
	cstime, _ := strconv.ParseInt(f[14], 10, 64)             // field 17
	return total + time.Duration(cutime+cstime)*10*time.Millisecond
}

// peakRSS is process pid's resident high-water mark (VmHWM in /proc/PID/status), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("/proc/%d/status: VmHWM %q: %v", pid, v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("/proc/%d/status has no VmHWM", pid)
	return 0
}
