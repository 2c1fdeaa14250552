package overlay

import (
	"context"
	"testing"
)

// TestDecodeLikeKrusty: kustomizations decode as krusty decodes them (case-insensitive
// keys; among keys that match, the one encoding/json decodes last wins) and errors are
// located at the key krusty used.
func TestDecodeLikeKrusty(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"upper-case path key", map[string]string{"ov/kustomization.yaml": "patches:\n- PATH: ../../x.yaml\n"},
			`overlay ov: ov/kustomization.yaml:2:9: patches[0].path: path "../../x.yaml" leaves root`},
		{"lower-case key wins over capitalised", map[string]string{"ov/kustomization.yaml": "resources: [../../a]\nResources: [b]\n"},
			`overlay ov: ov/kustomization.yaml:1:13: resources[0]: path "../../a" leaves root`},
		{"last of equal keys wins", map[string]string{"ov/kustomization.yaml": "resources: [b]\nresources: [../../a]\n"},
			`overlay ov: ov/kustomization.yaml:2:13: resources[0]: path "../../a" leaves root`},
		{"bases after resources", map[string]string{"ov/kustomization.yaml": "resources: []\nbases: [../../a]\n"},
			`overlay ov: ov/kustomization.yaml:2:9: bases[0]: path "../../a" leaves root`},
		{"refused field in any case", map[string]string{"ov/kustomization.yaml": "namePrefix: x-\nBuildMetadata: [originAnnotations]\n"},
			`overlay ov: ov/kustomization.yaml:2:1: buildMetadata: build metadata annotations are refused in overlays`},
		{"unknown field", map[string]string{"ov/kustomization.yaml": "resourcez: [a]\n"},
			`overlay ov: ov/kustomization.yaml: invalid Kustomization: json: unknown field "resourcez"`},
		{"two documents", map[string]string{"ov/kustomization.yaml": "namePrefix: a-\n---\nresources: [https://example.com/x]\n"},
			`overlay ov: ov/kustomization.yaml: more than one YAML document, want one kustomization`},
		{"a list", map[string]string{"ov/kustomization.yaml": "- a\n"},
			`overlay ov: ov/kustomization.yaml:1:1: a kustomization must be a mapping`},
		{"two kustomization files", map[string]string{"ov/kustomization.yaml": "{}\n", "ov/Kustomization": "{}\n"},
			`overlay ov: ov: more than one kustomization file (ov/kustomization.yaml, ov/Kustomization): kustomize refuses the directory`},
		{"env file moved by FixKustomization", map[string]string{"ov/kustomization.yaml": "configMapGenerator:\n- name: x\n  env: ../../e.env\n"},
			`overlay ov: ov/kustomization.yaml:3:8: configMapGenerator[0].env: path "../../e.env" leaves root`},
		{"files entry without key", map[string]string{"ov/kustomization.yaml": "configMapGenerator:\n- name: x\n  files: [=a]\n"},
			`overlay ov: ov/kustomization.yaml:3:11: configMapGenerator[0].files[0]: missing key name for file path "a" in source "=a"`},
		{"directory of plugin configurations with patches", map[string]string{
			"ov/kustomization.yaml":   "transformers: [p]\n",
			"ov/p/kustomization.yaml": "resources: [t.yaml]\nnamePrefix: x-\n",
			"ov/p/t.yaml":             "apiVersion: builtin\nkind: PrefixTransformer\nmetadata: {name: t}\nprefix: a-\n",
		}, `overlay ov: ov/p/kustomization.yaml:2:1: namePrefix: a directory of generators, transformers or validators may only list resources`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := mapRoot{}
			for p, c := range tc.files {
				root[p] = c
			}
			_, err := Apply(context.Background(), root, []string{"ov"}, nil)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}
