package overlay

import "testing"

// TestMessage: in-memory paths in kustomize's messages become root-relative paths, the
// entries as the repository wrote them, floe:rendered and floe:<component>.
func TestMessage(t *testing.T) {
	tree := newMemoryTree()
	ov := tree.path("platform/overlays/x", true)
	patch := tree.path("platform/overlays/shared/backoff.yaml", false)
	ref := tree.reference(ov, patch, "../shared/backoff.yaml")
	tree.user[ov+"/kustomization.yaml"] = "platform/overlays/x/kustomization.yml"
	for _, tc := range []struct{ in, want string }{
		{"file '" + patch + "' is not in or below '" + ov + "'", "file 'platform/overlays/shared/backoff.yaml' is not in or below 'platform/overlays/x'"},
		{"path: " + ref + "\n", "path: ../shared/backoff.yaml\n"},
		{"loading " + ov + "/kustomization.yaml", "loading platform/overlays/x/kustomization.yml"},
		{"root /_floe/r", "root ."},
		{"base /_floe/rendered/rendered.yaml and ../../../_floe/rendered", "base floe:rendered and floe:rendered"},
		{"component ../../../../_floe/components/data-nodes: x", "component floe:data-nodes: x"},
		{"unknown floef99 and floefx", "unknown floef99 and floefx"},
	} {
		if got := tree.message(tc.in); got != tc.want {
			t.Errorf("message(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
