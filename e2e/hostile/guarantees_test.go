package hostile_test

import (
	"strings"
	"testing"
)

// TestGuaranteesHoldAfterOverlays: an overlay that gives the product's pods the host's
// network, PID or IPC namespace, a hostPath volume or a privileged container never
// produces output that has it, at any enforcement level: floe either removes it (exit 0,
// output without it) or refuses (exit 1 or 2, nothing on stdout).
func TestGuaranteesHoldAfterOverlays(t *testing.T) {
	json6902 := func(op string) map[string]string {
		return map[string]string{
			"kustomization.yaml": "patches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n",
			"patch.yaml":         op,
		}
	}
	attempts := []struct {
		name, field string
		files       map[string]string
	}{
		{"hostNetwork", "hostNetwork: true", json6902("- op: add\n  path: /spec/template/spec/hostNetwork\n  value: true\n")},
		{"hostPID", "hostPID: true", json6902("- op: add\n  path: /spec/template/spec/hostPID\n  value: true\n")},
		{"hostIPC", "hostIPC: true", json6902("- op: add\n  path: /spec/template/spec/hostIPC\n  value: true\n")},
		{"hostPath", "hostPath", map[string]string{
			"kustomization.yaml": "patches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n",
			"patch.yaml":         "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  template:\n    spec:\n      volumes:\n      - name: host-root\n        hostPath:\n          path: /\n",
		}},
		{"privileged", "privileged: true", json6902("- op: add\n  path: /spec/template/spec/containers/0/securityContext/privileged\n  value: true\n")},
		{"privileged-replace-context", "privileged: true", json6902("- op: replace\n  path: /spec/template/spec/containers/0/securityContext\n  value: {privileged: true, runAsUser: 0, allowPrivilegeEscalation: true}\n")},
	}
	for _, a := range attempts {
		for _, level := range []string{"off", "warn", "strict"} {
			for _, d := range renderDoors {
				t.Run(a.name+"/"+level+"/"+string(d), func(t *testing.T) {
					t.Parallel()
					s, r := newSandbox(t), newRepo(t)
					r.replace(manifestFile, "policy_enforcement_level: warn", "policy_enforcement_level: "+level)
					// The diff's old side: the same contract without the overlay.
					r.write("platform/plain.yaml", r.read(contractFile))
					r.overlay(a.files)
					res := s.run(r.through(d, via{against: "platform/plain.yaml"}))
					switch res.code {
					case 0:
						if strings.Contains(string(res.stdout), a.field) {
							t.Errorf("exit 0 with %s in the output:\n%s", a.field, fieldContext(string(res.stdout), a.field))
						}
					case 1, 2:
						if res.stdoutBytes != 0 {
							t.Errorf("exit %d with %d bytes on stdout", res.code, res.stdoutBytes)
						}
					default:
						t.Errorf("exit %d, want 0 (removed) or 1/2 (refused); stderr: %s", res.code, excerpt(res.stderr))
					}
				})
			}
		}
	}
}

// fieldContext is the lines around the first occurrence of field.
func fieldContext(out, field string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, field) {
			lo, hi := max(0, i-3), min(len(lines), i+4)
			return strings.Join(lines[lo:hi], "\n")
		}
	}
	return ""
}
