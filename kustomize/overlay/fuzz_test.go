package overlay

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// FuzzKustomization fuzzes the overlay pre-check: decoding a kustomization's bytes the
// way krusty does, checking it and writing it back rewritten. Whatever the bytes, floe
// never asks the root for a path that is absolute, leaves it or is under .git, and every
// kustomization it writes for kustomize decodes, names only references floe generated
// (no URL, no git form, no user-spelled path) and carries plugin configurations only
// inline and only builtin.
func FuzzKustomization(f *testing.F) {
	for _, s := range []string{
		"", "{}", "resources: [a.yaml]", "resources: [../../../etc]", "components: [floe:data-nodes]",
		"resources: [https://github.com/x/y?ref=v1]", "patches:\n- path: p.yaml\n  target: {kind: Job}",
		"transformers:\n- |\n  apiVersion: builtin\n  kind: LabelTransformer\n  metadata: {name: x}",
		"generators: [gen]", "configMapGenerator:\n- name: x\n  files: [k=../f]\n  envs: [e.env]",
		"resources: [sub]\ncomponents: [../c]", "helmCharts: [{name: x}]", "- a\n- b", "resources: x",
		"RESOURCES: [a.yaml]\nresources: [sub]", "patches:\n- PATH: http://127.0.0.1:1/x", "bases: [github.com/org/repo]",
		"transformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n  path: a.yaml",
		"configMapGenerator:\n- name: x\n  files: [a.yaml]\n  env: e.env", "patchesStrategicMerge: [a.yaml]",
		"resources: [.git/config]", "replacements:\n- path: a.yaml",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kust string) {
		root := &recordingRoot{mapRoot: mapRoot{
			"o/v/kustomization.yaml":                     kust,
			"o/v/a.yaml":                                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
			"o/v/e.env":                                  "A=1\n",
			"o/v/sub/kustomization.yaml":                 "resources: [../a.yaml]\n",
			"o/c/kustomization.yaml":                     "kind: Component\n",
			"o/v/gen/kustomization.yaml":                 "resources: [g.yaml]\n",
			"o/v/gen/g.yaml":                             "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\nfiles: [../a.yaml]\n",
			"o/v/github.com/org/repo/kustomization.yaml": "resources: [../../../a.yaml]\n",
			".git/config":                                "secret\n",
		}}
		b := newBuilder(context.Background(), root, resourceFactory)
		err := b.kustomization("o/v", 0, true)
		if err == nil && !b.fs.Exists(b.tree.path("o/v", true)+"/kustomization.yaml") {
			t.Fatal("accepted but nothing written")
		}
		for _, p := range root.reads {
			c, err := config.CleanRel(p)
			if err != nil {
				t.Fatalf("root asked for %q: %v", p, err)
			}
			if config.InGitDir(c) {
				t.Fatalf("root asked for %q", p)
			}
		}
		if err := checkWritten(b.fs); err != nil {
			t.Fatal(err)
		}
	})
}

// generatedReference is a reference floe writes: a generated path relative to the
// kustomization, or floe's own rendered base and components.
var generatedReference = regexp.MustCompile(`^(?:\.|(?:\.\./)*(?:floe[df][0-9]+/)*floe[df][0-9]+|(?:\.\./)+(?:floe[df][0-9]+/)*floe[df][0-9]+|(?:\.\./)+_floe/(?:rendered|components/[a-z0-9-]+)|(?:\.\./)+)$`)

// checkWritten decodes every kustomization floe wrote under memoryRoot and checks its
// references.
func checkWritten(mfs filesys.FileSystem) error {
	if !mfs.Exists("/_floe") {
		return nil // refused before anything was written
	}
	return mfs.Walk("/_floe", func(p string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasPrefix(p, memoryRoot+"/") || path.Base(p) != "kustomization.yaml" {
			return err
		}
		data, err := mfs.ReadFile(p)
		if err != nil {
			return err
		}
		return checkWrittenFile(p, data)
	})

}

func checkWrittenFile(p string, data []byte) error {
	var k types.Kustomization
	if err := k.Unmarshal(data); err != nil {
		return fmt.Errorf("%s does not decode: %v\n%s", p, err, data)
	}
	ref := func(field, r string) error {
		if !generatedReference.MatchString(r) || looksRemote(r) {
			return fmt.Errorf("%s: %s entry %q is not a generated reference", p, field, r)
		}
		return nil
	}
	var refs [][2]string
	for _, r := range k.Resources {
		refs = append(refs, [2]string{"resources", r})
	}
	for _, r := range k.Components {
		refs = append(refs, [2]string{"components", r})
	}
	for _, r := range append(append([]string{}, k.Crds...), k.Configurations...) {
		refs = append(refs, [2]string{"crds/configurations", r})
	}
	for _, pt := range append(append([]types.Patch{}, k.Patches...), k.PatchesJson6902...) {
		if pt.Path != "" {
			refs = append(refs, [2]string{"patches", pt.Path})
		}
	}
	for _, r := range k.Replacements {
		if r.Path != "" {
			refs = append(refs, [2]string{"replacements", r.Path})
		}
	}
	for _, g := range append(append([]types.KvPairSources{}, kvSources(k.ConfigMapGenerator)...), secretSources(k.SecretGenerator)...) {
		for _, f := range g.FileSources {
			_, file, err := parseFileSource(f)
			if err != nil {
				return fmt.Errorf("%s: files entry %q: %v", p, f, err)
			}
			refs = append(refs, [2]string{"files", file})
		}
		for _, e := range g.EnvSources {
			refs = append(refs, [2]string{"envs", e})
		}
		if g.EnvSource != "" {
			return fmt.Errorf("%s: env left after FixKustomization", p)
		}
	}
	for _, r := range refs {
		if err := ref(r[0], r[1]); err != nil {
			return err
		}
	}
	for _, list := range [][]string{k.Generators, k.Transformers, k.Validators} {
		for _, e := range list {
			rm, err := resourceFactory.SliceFromBytes([]byte(e))
			if err != nil {
				return fmt.Errorf("%s: plugin entry is not inline: %q", p, e)
			}
			for _, res := range rm {
				if res.GetApiVersion() != "builtin" || res.GetKind() == "HelmChartInflationGenerator" {
					return fmt.Errorf("%s: plugin %s/%s written", p, res.GetApiVersion(), res.GetKind())
				}
				for _, field := range []string{"path", "targetFilePath"} {
					if v, _ := res.GetString(field); v != "" {
						if err := ref(res.GetKind()+"."+field, v); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	if k.HelmCharts != nil || k.HelmGlobals != nil || k.OpenAPI != nil || k.BuildMetadata != nil {
		return fmt.Errorf("%s: refused field written", p)
	}
	return nil
}

func kvSources(args []types.ConfigMapArgs) []types.KvPairSources {
	var out []types.KvPairSources
	for _, a := range args {
		out = append(out, a.KvPairSources)
	}
	return out
}

func secretSources(args []types.SecretArgs) []types.KvPairSources {
	var out []types.KvPairSources
	for _, a := range args {
		out = append(out, a.KvPairSources)
	}
	return out
}
