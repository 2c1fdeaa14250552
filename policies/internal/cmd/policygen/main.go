// Command policygen writes the synthetic stream the policy benchmarks use
// (bench/policy.sh): policygen -n 5000 > stream.yaml.
package main

import (
	"flag"
	"os"

	"github.com/floe-dev/floe/policies/internal/streamgen"
)

func main() {
	n := flag.Int("n", 5000, "number of objects")
	flag.Parse()
	if _, err := os.Stdout.Write(streamgen.Generate(*n)); err != nil {
		os.Exit(1)
	}
}
