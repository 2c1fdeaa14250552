// Command floor is the post-render benchmark's floor as a process: it decodes every
// document of stdin into a yaml.v3 node tree and encodes it to stdout, the least any
// YAML-rewriting post-renderer does.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

func main() {
	out := bufio.NewWriter(os.Stdout)
	dec := yaml.NewDecoder(bufio.NewReader(os.Stdin))
	enc := yaml.NewEncoder(out)
	enc.SetIndent(2)
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = enc.Encode(&n)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor:", err)
			os.Exit(1)
		}
	}
	if err := enc.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
