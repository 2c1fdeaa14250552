package warm

import (
	"testing"

	_ "github.com/floe-dev/floe/golden" // knows -update
)

func TestGated(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"render", "--contract", "c.yaml", "p"}, true},
		{[]string{"diff", "--base", "HEAD"}, true},
		{[]string{"check", "-"}, true},
		{[]string{"post-render", "--contract", "c.yaml"}, true},
		{[]string{"argocd", "generate"}, true},
		{[]string{"--debug", "argocd", "generate"}, true},
		{[]string{"argocd", "parameters"}, false},
		{[]string{"argocd"}, false},
		{[]string{"version"}, false},
		{[]string{"validate", "p"}, false},
		{[]string{"helm-plugin", "dir"}, false},
		{nil, false},
		{[]string{"--help"}, false},
	} {
		if got := Gated(tc.args); got != tc.want {
			t.Errorf("Gated(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
