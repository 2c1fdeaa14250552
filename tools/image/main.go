// Command image writes floe's Argo CD sidecar image as an OCI image layout, without
// Docker and reproducibly: one layer holding the static floe binary, plugin.yaml where
// Argo CD's CMP server looks for it, and /etc/passwd and /etc/group with uid and gid 999
// (argocd); no shell, no package manager. Every file time is the Unix epoch (or
// SOURCE_DATE_EPOCH), entries are sorted, so the same inputs give the same digest.
//
//	go run . -binary floe -plugin plugin.yaml -out DIR [-ref REGISTRY/NAME:TAG]
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var in Inputs
	flag.StringVar(&in.Binary, "binary", "", "static floe binary (CGO_ENABLED=0)")
	flag.StringVar(&in.Plugin, "plugin", "", "argocd/plugin.yaml")
	flag.StringVar(&in.Out, "out", "", "OCI layout directory to write (replaced)")
	flag.StringVar(&in.Ref, "ref", "", "image reference recorded in the layout's index (org.opencontainers.image.ref.name)")
	flag.Parse()
	digest, err := Build(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
	fmt.Println(digest)
}
