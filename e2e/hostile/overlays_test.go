package hostile_test

import (
	"fmt"
	"os"
	"testing"
)

const kustomizationFile = overlayDir + "/kustomization.yaml"

// TestOverlaysNeverReachTheNetworkOrRunAnything: a contract overlay that would make
// kustomize fetch a URL, clone a git remote, inflate a Helm chart or run a plugin or KRM
// function is refused, whatever spelling of the field it uses.
func TestOverlaysNeverReachTheNetworkOrRunAnything(t *testing.T) {
	k := func(yaml string) func(s *sandbox, r *repo) via {
		return overlayFiles(map[string]string{"kustomization.yaml": yaml})
	}
	cases := []hostileCase{
		{name: "resources-url", setup: k("resources:\n- http://{{server}}/x.yaml\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "RESOURCES-upper-case", setup: k("RESOURCES:\n- http://{{server}}/x.yaml\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "Resources-title-case", setup: k("Resources:\n- http://{{server}}/x.yaml\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "resources-duplicate-key", setup: k("resources: []\nresources:\n- http://{{server}}/x.yaml\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "bases-url", setup: k("bases:\n- http://{{server}}/base\n"),
			wants: []string{kustomizationFile, "bases"}},
		{name: "components-url", setup: k("components:\n- http://{{server}}/component\n"),
			wants: []string{kustomizationFile, "components"}},
		{name: "patch-path-url", setup: k("patches:\n- path: http://{{server}}/p.yaml\n  target: {kind: Deployment}\n"),
			wants: []string{kustomizationFile, "patches"}},
		{name: "git-remote-http", setup: k("resources:\n- http://{{server}}/org/repo.git//base?ref=main\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "git-remote-forced", setup: k("resources:\n- git::http://{{server}}/org/repo.git//base?ref=main\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "git-remote-scp-style", setup: k("resources:\n- git@127.0.0.1:org/repo.git//base?ref=main\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "git-remote-file", setup: k("resources:\n- file:///srv/git/org/repo.git//base?ref=main\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "git-remote-ssh", setup: k("resources:\n- ssh://git@{{server}}/org/repo.git//base?ref=main\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "github-shorthand", setup: k("resources:\n- github.com/acme/platform//base?ref=main\n"),
			wants: []string{kustomizationFile, "resources"}},
		{name: "configmap-generator-url", setup: k("configMapGenerator:\n- name: c\n  files: [http://{{server}}/c.txt]\n"),
			wants: []string{kustomizationFile, "configMapGenerator"}},
		{name: "HelmCharts", setup: k("HelmCharts:\n- name: x\n  repo: http://{{server}}/charts\n  version: 1.0.0\n  releaseName: x\n"),
			wants: []string{kustomizationFile, "helmCharts"}},
		{name: "helmChartInflationGenerator", setup: k("helmChartInflationGenerator:\n- chartName: x\n  chartRepoUrl: http://{{server}}/charts\n  chartVersion: 1.0.0\n  releaseName: x\n"),
			wants: []string{kustomizationFile, "helmChartInflationGenerator"}},
		{name: "builtin-transformer-path-url", setup: overlayFiles(map[string]string{
			"kustomization.yaml": "transformers:\n- pt.yaml\n",
			"pt.yaml":            "apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: remote\npath: http://{{server}}/p.yaml\ntarget:\n  kind: Deployment\n",
		}), wants: []string{overlayDir + "/pt.yaml", "path"}},
		{name: "builtin-generator-files-url", setup: overlayFiles(map[string]string{
			"kustomization.yaml": "generators:\n- gen.yaml\n",
			"gen.yaml":           "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: remote\nfiles:\n- http://{{server}}/c.txt\n",
		}), wants: []string{overlayDir + "/gen.yaml", "files"}},
		{name: "legacy-exec-plugin", setup: overlayFiles(map[string]string{
			"kustomization.yaml": "transformers:\n- plugin.yaml\n",
			"plugin.yaml":        "apiVersion: someteam.example.com/v1\nkind: SedTransformer\nmetadata:\n  name: sed\nargsOneLiner: s/a/b/\n",
		}), wants: []string{overlayDir + "/plugin.yaml", "kind|apiVersion|transformers|plugin"}},
		{name: "krm-exec-function", setup: func(s *sandbox, r *repo) via {
			// The function would run this script, which leaves the sandbox's marker.
			r.overlay(map[string]string{
				"kustomization.yaml": "transformers:\n- fn.yaml\n",
				"fn.yaml":            "apiVersion: example.com/v1\nkind: SetOwner\nmetadata:\n  name: owner\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./fn.sh\nspec:\n  owner: x\n",
			})
			script := fmt.Sprintf("#!/bin/sh\necho krm-function >> %q\ncat\n", s.marker)
			if err := os.WriteFile(r.path(overlayDir+"/fn.sh"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			return via{}
		}, wants: []string{overlayDir + "/fn.yaml", "function|exec"}},
		{name: "krm-container-function", setup: overlayFiles(map[string]string{
			"kustomization.yaml": "transformers:\n- fn.yaml\n",
			"fn.yaml":            "apiVersion: example.com/v1\nkind: SetOwner\nmetadata:\n  name: owner\n  annotations:\n    config.kubernetes.io/function: |\n      container:\n        image: {{server}}/fn:latest\n        network: true\nspec:\n  owner: x\n",
		}), wants: []string{overlayDir + "/fn.yaml", "function|container"}},
		{name: "openapi-path-url", setup: k("openapi:\n  path: http://{{server}}/schema.json\n"),
			wants: []string{kustomizationFile, "openapi"}},
	}
	for i := range cases {
		cases[i].doors = renderDoors
	}
	runRefused(t, cases)
}
