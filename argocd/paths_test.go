package argocd

import "testing"

func TestGeneratePaths(t *testing.T) {
	tests := map[string]struct {
		in   []string
		want string
	}{
		"sorted, from the root": {in: []string{"products/a/floe.yaml", "platform/contract.yaml", "platform/manifest.yaml"},
			want: "/platform/contract.yaml;/platform/manifest.yaml;/products/a/floe.yaml"},
		"a directory covers what is under it": {in: []string{"platform/overlay", "platform/overlay/kustomization.yaml", "platform/overlayer.yaml"},
			want: "/platform/overlay;/platform/overlayer.yaml"},
		"repeats once":          {in: []string{"a", "a", "./a"}, want: "/a"},
		"separator in a name":   {in: []string{"p/x;y/z.yaml", "p/q.yaml", "r.yaml"}, want: "/p;/r.yaml"},
		"separator at the root": {in: []string{"a;b", "c"}, want: "/"},
		"the root":              {in: []string{".", "a"}, want: "/"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := GeneratePaths(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
