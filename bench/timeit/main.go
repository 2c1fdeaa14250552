// Command timeit times whole processes side by side: every round runs each command once,
// in an order that rotates from round to round (so drift in machine load hits all of
// them alike), after one warm-up round; it reports medians and the peak RSS of each, as
// a markdown table with each median's ratio to the first command's.
//
//	timeit [-n 21] [-title T] [-tsv FILE] 'LABEL::SHELL COMMAND' ...
//
// -tsv appends one line per command to FILE: label, median wall, median CPU (both in
// milliseconds) and peak RSS (MB), tab-separated, for scripts that check targets.
//
// Commands run through /bin/sh -c with stdout discarded; a command that exits non-zero
// stops everything (its stderr is shown), so a figure always belongs to a successful run.
// CPU is user+system time of the process and its children (wait4 rusage); peak RSS is
// the largest maxrss any run reported (the biggest single process of the command).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

type cmd struct {
	label, script string
	wall, cpu     []time.Duration
	maxRSS        int64 // KiB
}

func main() {
	n := flag.Int("n", 21, "rounds (after one warm-up round)")
	title := flag.String("title", "", "table title (a markdown heading line)")
	tsv := flag.String("tsv", "", "append label, median wall ms, median CPU ms, peak RSS MB to this file")
	flag.Parse()
	var cmds []*cmd
	for _, a := range flag.Args() {
		label, script, ok := strings.Cut(a, "::")
		if !ok {
			fmt.Fprintf(os.Stderr, "timeit: %q: want LABEL::COMMAND\n", a)
			os.Exit(2)
		}
		cmds = append(cmds, &cmd{label: label, script: script})
	}
	if len(cmds) == 0 || *n < 1 {
		fmt.Fprintln(os.Stderr, "timeit: nothing to time")
		os.Exit(2)
	}
	for round := -1; round < *n; round++ {
		for i := range cmds {
			c := cmds[(i+max(round, 0))%len(cmds)]
			wall, cpu, rss, err := runOnce(c.script)
			if err != nil {
				fmt.Fprintf(os.Stderr, "timeit: %s: %v\n", c.label, err)
				os.Exit(1)
			}
			if round < 0 {
				continue // warm-up: page cache, CPU frequency
			}
			c.wall = append(c.wall, wall)
			c.cpu = append(c.cpu, cpu)
			c.maxRSS = max(c.maxRSS, rss)
		}
	}
	if *title != "" {
		fmt.Printf("%s\n\n", *title)
	}
	fmt.Printf("| command | median wall | min – max | median CPU (user+sys) | peak RSS | × first |\n")
	fmt.Printf("|---|---:|---:|---:|---:|---:|\n")
	ref := median(cmds[0].wall)
	for _, c := range cmds {
		m := median(c.wall)
		fmt.Printf("| %s | %s | %s – %s | %s | %.0f MB | %.2f× |\n", c.label, ms(m), ms(slices.Min(c.wall)), ms(slices.Max(c.wall)),
			ms(median(c.cpu)), float64(c.maxRSS)/1024, float64(m)/float64(ref))
	}
	if *tsv != "" {
		f, err := os.OpenFile(*tsv, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, "timeit:", err)
			os.Exit(1)
		}
		for _, c := range cmds {
			fmt.Fprintf(f, "%s\t%.3f\t%.3f\t%.1f\n", strings.TrimSpace(c.label), float64(median(c.wall).Microseconds())/1000,
				float64(median(c.cpu).Microseconds())/1000, float64(c.maxRSS)/1024)
		}
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "timeit:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("\n%d rounds after one warm-up, commands alternating; %d cores, load average %s at the end.\n", *n, runtime.NumCPU(), loadavg())
}

func runOnce(script string) (wall, cpu time.Duration, rssKiB int64, err error) {
	c := exec.Command("/bin/sh", "-c", script)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	start := time.Now()
	err = c.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%v\n%s", err, stderr.String())
	}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		rssKiB = ru.Maxrss
	}
	return wall, cpu, rssKiB, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
