package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/floe-dev/floe/diag"
)

// The kinds of floe's three input documents.
const (
	KindContract = "PlatformEnvironmentContract"
	KindManifest = "Manifest"
	KindProduct  = "FloeSpec"
)

// The apiVersions of the input kinds: the contract's, and the Manifest's and floe.yaml's.
const (
	APIVersionContract = "floe.dev/v1alpha1"
	APIVersionFloe     = "floe.dev/v1"
)

// kindNames says what each kind is, for a file given where another kind is wanted.
var kindNames = map[string]string{
	KindContract: "a PlatformEnvironmentContract",
	KindManifest: "a platform Manifest",
	KindProduct:  "a data product's floe.yaml",
}

// DocumentKind is the top-level kind of a parsed document; "" when it has none (or it
// is not a string).
func DocumentKind(src *Source) string {
	if src == nil || src.Node == nil {
		return ""
	}
	m := docMapping(src.Node)
	if m == nil {
		return ""
	}
	_, v := mapLookup(m, "kind")
	if v != nil {
		v = deref(v)
	}
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		return ""
	}
	return v.Value
}

func docMapping(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// wrongKind is one error when src is one of floe's other kinds than want: a Manifest
// given as the contract is named as such instead of failing every contract field. by
// names what asked for want (e.g. "--contract"). nil when src is want, or no floe kind.
func wrongKind(src *Source, want, by string) diag.List {
	got := DocumentKind(src)
	name, known := kindNames[got]
	if got == want || !known {
		return nil
	}
	line, col := src.Pos("kind")
	return diag.List{{File: src.Path, Line: line, Col: col, Path: "kind",
		Message: fmt.Sprintf("%s (kind: %s), but %s wants a %s", name, got, by, want)}}
}
