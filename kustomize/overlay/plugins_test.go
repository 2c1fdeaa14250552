package overlay

import (
	"context"
	"strings"
	"testing"
)

// TestBuiltinPluginsBuild: builtin plugin configurations that read files still work once
// floe has rewritten their paths, inline, from files and from directories, and the
// values kustomize derives from names (a generator's file keys, ValueAddTransformer's
// default value) are the ones the repository's names give.
func TestBuiltinPluginsBuild(t *testing.T) {
	files := map[string]string{
		"platform/overlays/va/cm.yaml":                configMapYAML,
		"platform/overlays/va/patch.yaml":             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  patched: \"yes\"\n",
		"platform/overlays/va/json.yaml":              "- op: add\n  path: /data\n  value: {json: \"yes\"}\n",
		"platform/overlays/va/repl.yaml":              "source: {kind: ConfigMap, name: local, fieldPath: data.patched}\ntargets:\n- select: {kind: ConfigMap, name: local}\n  fieldPaths: [data.copied]\n  options: {create: true}\n",
		"platform/overlays/va/targets.yaml":           "targets:\n- fieldPath: metadata/annotations/dir\n",
		"platform/overlays/va/data/app.properties":    "a=b\n",
		"platform/overlays/va/gen/kustomization.yaml": "resources: [g.yaml]\n",
		"platform/overlays/va/gen/g.yaml":             "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: generated}\nfiles: [data/app.properties]\noptions: {disableNameSuffixHash: true}\n",
	}
	for _, tc := range []struct {
		name, kust string
		want       []string // substrings of the output
	}{
		{"PatchTransformer from a file", "resources: [cm.yaml]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  Path: patch.yaml\n",
			[]string{"patched: \"yes\""}},
		{"PatchJson6902Transformer", "resources: [cm.yaml]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchJson6902Transformer\n  metadata: {name: p}\n  target: {kind: ConfigMap, name: local}\n  path: json.yaml\n",
			[]string{"json: \"yes\""}},
		{"PatchStrategicMergeTransformer", "resources: [cm.yaml]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchStrategicMergeTransformer\n  metadata: {name: p}\n  paths: [patch.yaml]\n",
			[]string{"patched: \"yes\""}},
		{"ReplacementTransformer", "resources: [cm.yaml]\npatches: [{path: patch.yaml}]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: ReplacementTransformer\n  metadata: {name: r}\n  replacements:\n  - path: repl.yaml\n",
			[]string{"copied: yes"}},
		{"ValueAddTransformer default value and target file", "resources: [cm.yaml]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: ValueAddTransformer\n  metadata: {name: v}\n  targetFilePath: targets.yaml\n",
			[]string{"dir: va"}},
		{"ConfigMapGenerator from a directory of configurations", "generators: [gen]\n",
			[]string{"name: generated", "app.properties: |"}},
		{"configMapGenerator file key from its base name", "configMapGenerator:\n- name: direct\n  files: [data/app.properties]\n",
			[]string{"app.properties: |"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := map[string]string{"platform/overlays/va/kustomization.yaml": tc.kust}
			for p, c := range files {
				f[p] = c
			}
			got, err := Apply(context.Background(), writeTree(t, f, nil), []string{"platform/overlays/va"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			for _, n := range got {
				sb.WriteString(n.MustString())
			}
			for _, w := range tc.want {
				if !strings.Contains(sb.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, sb.String())
				}
			}
		})
	}
}

// TestPluginErrorsNameRepositoryPaths: kustomize's errors about a rewritten plugin path
// name the path as the repository wrote it.
func TestPluginErrorsNameRepositoryPaths(t *testing.T) {
	root := mapRoot{
		"ov/kustomization.yaml": "resources: [cm.yaml]\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  path: ../shared/patch.yaml\n",
		"ov/cm.yaml":            configMapYAML,
		"shared/patch.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n",
	}
	_, err := Apply(context.Background(), root, []string{"ov"}, nil)
	if err == nil {
		t.Fatal("a file outside the kustomization's directory was loaded")
	}
	for _, w := range []string{"../shared/patch.yaml", "'shared/patch.yaml' is not in or below 'ov'"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	if strings.Contains(err.Error(), "floe") {
		t.Errorf("error names in-memory paths: %v", err)
	}
}
