package render

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestWriteDirFailsHalfway: a write failing after others succeeded (a file name longer
// than the file system allows) leaves the previous output as it was and no staging
// directory behind, and the error names the user's directory, not a temporary one.
func TestWriteDirFailsHalfway(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	objs := func(second string) []*yaml.RNode {
		return []*yaml.RNode{
			yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: first}\n"),
			yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + second + "}\n"),
		}
	}
	if err := WriteDir(out, objs("second")); err != nil {
		t.Fatal(err)
	}
	before := names(t, out)
	for name, second := range map[string]string{
		"name too long":  strings.Repeat("x", 300),
		"climbs out":     "../../../escaped",
		"a subdirectory": "sub/x",
	} {
		t.Run(name, func(t *testing.T) {
			err := WriteDir(out, objs(second))
			if err == nil {
				t.Fatal("written")
			}
			if !strings.HasPrefix(err.Error(), out) || strings.Contains(err.Error(), ".floe-") {
				t.Errorf("error %q does not name %s alone", err, out)
			}
			if got := names(t, out); !slices.Equal(got, before) {
				t.Errorf("output now holds %v, was %v", got, before)
			}
			if got := names(t, parent); !slices.Equal(got, []string{"out"}) {
				t.Errorf("left behind: %v", got)
			}
		})
	}
}
