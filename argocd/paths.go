package argocd

import (
	"path"
	"slices"
	"strings"
)

// GeneratePaths is the manifest-generate-paths value covering paths, the root-relative
// paths a product's render reads (render.ReadSet.Paths, D-ARGO-05): each written from
// the repository root ("/platform/contract.yaml"), a path under another one left out,
// sorted and joined with ";". A path holding ";" (the separator) is replaced by its
// nearest parent without one; the repository root is "/". Argo CD takes each value as
// the path itself, everything under it, or a glob: a superset, never less.
func GeneratePaths(paths []string) string {
	var kept []string
	for _, p := range paths {
		p = path.Clean(p)
		for strings.Contains(p, ";") {
			p = path.Dir(p)
		}
		kept = append(kept, p)
	}
	slices.Sort(kept)
	kept = slices.Compact(kept)
	var out []string
	for _, p := range kept {
		if p == "." {
			return "/"
		}
		if slices.ContainsFunc(out, func(parent string) bool { return strings.HasPrefix(p, parent+"/") }) {
			continue
		}
		out = append(out, p)
	}
	for i, p := range out {
		out[i] = "/" + p
	}
	return strings.Join(out, ";")
}
