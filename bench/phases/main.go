// Command phases times the start-up phases of one floe render in a fresh process (run
// it from the repository root), in wall and process CPU time: the charts, NewEngine
// (which starts the process's policy compile in the background), a first render of
// examples/demo's customer-360 (which waits for that compile) and a second one, then the
// policy compile on its own (policies.New with an empty extra bundle, so that it is not
// the process's already compiled engine). Like cmd/floe it imports gcdefer.
//
//	go run ./bench/phases
package main

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/floe-dev/floe/charts"
	"github.com/floe-dev/floe/config"
	_ "github.com/floe-dev/floe/internal/gcdefer"
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/render"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	ctx := context.Background()
	var out []string
	lap := func(name string, f func() error) {
		w, c := time.Now(), cpu()
		if err := f(); err != nil {
			fmt.Fprintln(os.Stderr, "phases:", err)
			os.Exit(1)
		}
		out = append(out, fmt.Sprintf("%s %.1f ms (cpu %.1f ms)", name, float64(time.Since(w).Microseconds())/1000, float64((cpu()-c).Microseconds())/1000))
	}
	out = append(out, fmt.Sprintf("before main: cpu %.1f ms", float64(cpu().Microseconds())/1000))
	var eng *render.Engine
	lap("charts", func() error {
		for _, n := range charts.Names() {
			if _, err := charts.Load(n); err != nil {
				return err
			}
		}
		return nil
	})
	lap("NewEngine (starts the policy compile in the background)", func() (err error) { eng, err = render.NewEngine(); return err })
	root, err := config.OSRoot("examples/demo")
	if err != nil {
		fmt.Fprintln(os.Stderr, "phases: run from the repository root:", err)
		os.Exit(1)
	}
	opts := render.Options{Root: root, ContractPath: "platform/pec-dev.yaml", ProductPath: "demo/customer-360", ImageTag: "0123456789abcdef0123456789abcdef01234567"}
	lap("first render (waits for that compile)", func() error { _, err := eng.Render(ctx, opts); return err })
	lap("second render", func() error { _, err := eng.Render(ctx, opts); return err })
	empty := policies.Module{Path: "phases/empty.rego", Source: []byte("package floe.phases_empty\n")}
	lap("policy compile alone (policies.New)", func() error {
		_, err := policies.New(ctx, policies.Options{ExtraBundles: []policies.Module{empty}})
		return err
	})
	for _, l := range out {
		fmt.Println(l)
	}
}
