package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderInputs: render, render --all and diff resolve their root, target, contract
// and image tag through one setup, and each names itself and the flag at fault.
func TestRenderInputs(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "elsewhere.yaml")
	if err := os.WriteFile(outside, []byte("x: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const tag = "0123456789abcdef0123456789abcdef01234567"
	in := func(p string) string { return filepath.Join(root, p) }
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"render PRODUCT outside":      {[]string{"render", "--contract", in("c.yaml"), "--image-tag", tag, outside}, "render: PRODUCT "},
		"render --contract outside":   {[]string{"render", "--contract", outside, "--image-tag", tag, in("p")}, "render: --contract "},
		"render bad image tag":        {[]string{"render", "--contract", in("c.yaml"), "--image-tag", "main", in("p")}, `--image-tag: "main" is not a git commit SHA`},
		"render --all DIR outside":    {[]string{"render", "--contract", in("c.yaml"), "--image-tag", tag, "--all", outside}, "render: --all "},
		"render --all --contract":     {[]string{"render", "--contract", outside, "--image-tag", tag, "--all", root}, "render: --contract "},
		"render --all bad image tag":  {[]string{"render", "--contract", in("c.yaml"), "--image-tag", "main", "--all", root}, `--image-tag: "main" is not a git commit SHA`},
		"diff PRODUCT outside":        {[]string{"diff", "--contract", in("c.yaml"), "--against-contract", in("c.yaml"), "--image-tag", tag, outside}, "diff: PRODUCT "},
		"diff --contract outside":     {[]string{"diff", "--contract", outside, "--against-contract", in("c.yaml"), "--image-tag", tag, in("p")}, "diff: --contract "},
		"diff bad image tag":          {[]string{"diff", "--contract", in("c.yaml"), "--against-contract", in("c.yaml"), "--image-tag", "main", in("p")}, `--image-tag: "main" is not a git commit SHA`},
		"render bad runtime":          {[]string{"render", "--contract", in("c.yaml"), "--runtime", "airflow", in("p")}, `render: --runtime "airflow": want dagster or floe-jobs`},
		"diff bad runtime":            {[]string{"diff", "--contract", in("c.yaml"), "--against-contract", in("c.yaml"), "--runtime", "airflow", in("p")}, `diff: --runtime "airflow": want dagster or floe-jobs`},
		"render no tag in a bare dir": {[]string{"render", "--contract", in("c.yaml"), in("p")}, "no image tag: pass --image-tag SHA"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("ARGOCD_APP_REVISION", "")
			args := append([]string{tc.args[0], "--root", root}, tc.args[1:]...)
			code, stdout, stderr := runFloe(args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, nothing on stdout, %q", code, stdout, stderr, tc.want)
			}
		})
	}
}
