// Command genstream writes the benchmark's inputs into a directory: stream.yaml (the
// generated Helm output of 200 Dagster code servers) and kustomization.yaml (the
// equivalent wrapper-script post-renderer), for whole-process timings.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	bench "github.com/floe-dev/floe/bench/postrender"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genstream DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	for name, data := range map[string][]byte{
		"stream.yaml":        bench.Stream(bench.Servers),
		"kustomization.yaml": []byte(bench.Kustomization()),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
