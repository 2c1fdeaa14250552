package hostile_test

import (
	"strings"
	"testing"
)

// TestGitDirectoryNeverReachesTheOutput: the repository's .git directory (which holds
// credentials in its config) is never read into a render, whether an overlay lists it
// as a resource, generates a ConfigMap from it, reaches it through a symlink, or the
// contract names it as the platform Manifest.
func TestGitDirectoryNeverReachesTheOutput(t *testing.T) {
	noSecret := func(t *testing.T, _ *sandbox, _ *repo, res result) {
		t.Helper()
		if strings.Contains(string(res.stdout), gitSecret) || strings.Contains(string(res.stderr), gitSecret) {
			t.Errorf("the credential in .git/config was printed")
		}
	}
	withGit := func(files map[string]string, links map[string]string) func(s *sandbox, r *repo) via {
		return func(s *sandbox, r *repo) via {
			r.gitDir()
			r.overlay(files)
			for l, target := range links {
				r.symlink(overlayDir+"/"+l, target)
			}
			return via{}
		}
	}
	cases := []hostileCase{
		{name: "resources-git-config", setup: withGit(map[string]string{
			"kustomization.yaml": "resources:\n- ../../../.git/config\n",
		}, nil), wants: []string{kustomizationFile, "resources", ".git"}},
		{name: "resources-git-dir", setup: withGit(map[string]string{
			"kustomization.yaml": "resources:\n- ../../../.git\n",
		}, nil), wants: []string{kustomizationFile, "resources", ".git"}},
		{name: "configmap-generator-from-git", setup: withGit(map[string]string{
			"kustomization.yaml": "configMapGenerator:\n- name: leak\n  files:\n  - config=../../../.git/config\n",
		}, nil), wants: []string{kustomizationFile, "configMapGenerator", ".git"}},
		{name: "secret-generator-env-from-git", setup: withGit(map[string]string{
			"kustomization.yaml": "secretGenerator:\n- name: leak\n  envs:\n  - ../../../.git/HEAD\n",
		}, nil), wants: []string{kustomizationFile, "secretGenerator", ".git"}},
		{name: "symlink-into-git", setup: withGit(map[string]string{
			"kustomization.yaml": "configMapGenerator:\n- name: leak\n  files:\n  - config=cfg\n",
		}, map[string]string{"cfg": "../../../.git/config"}),
			wants: []string{overlayDir + "/cfg|" + kustomizationFile, "configMapGenerator|cfg", ".git"}},
		{name: "symlinked-directory-into-git", setup: withGit(map[string]string{
			"kustomization.yaml": "configMapGenerator:\n- name: leak\n  files:\n  - config=repo/config\n",
		}, map[string]string{"repo": "../../../.git"}),
			wants: []string{overlayDir + "/repo|" + kustomizationFile, "configMapGenerator|repo", ".git"}},
	}
	for i := range cases {
		cases[i].doors = renderDoors
		cases[i].check = noSecret
	}
	cases = append(cases, hostileCase{
		name: "contract-manifest-path-into-git", doors: allDoors,
		setup: func(s *sandbox, r *repo) via {
			r.gitDir()
			r.replace(contractFile, "path: demo/manifest.yaml", "path: .git/config")
			return via{}
		},
		wants: []string{contractFile, "platformManifest.path", ".git"}, check: noSecret,
	})
	runRefused(t, cases)
}
