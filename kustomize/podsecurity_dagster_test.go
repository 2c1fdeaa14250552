package kustomize

import (
	"strings"
	"testing"
)

func TestPodSecurityDagsterContext(t *testing.T) {
	pod := func(ctx string) string {
		return "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    env:\n    - name: DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT\n      value: '" + ctx + "'\n"
	}
	secured := func(t *testing.T, ctx string) string {
		t.Helper()
		out, err := fltApply(t, pod(ctx), PodSecurity{})
		if err != nil {
			t.Fatal(err)
		}
		_, after, _ := strings.Cut(out, "value: ")
		value, _, _ := strings.Cut(after, "\n")
		return strings.Trim(value, "'")
	}
	for name, tc := range map[string]struct{ in, want string }{
		"restricted context kept verbatim": {
			in:   `{"k8s":{"security_context":{"allow_privilege_escalation":false,"run_as_user":1000},"run_k8s_config":{"pod_spec_config":{"security_context":{"run_as_non_root":true}}}}}`,
			want: `{"k8s":{"security_context":{"allow_privilege_escalation":false,"run_as_user":1000},"run_k8s_config":{"pod_spec_config":{"security_context":{"run_as_non_root":true}}}}}`,
		},
		"container weakenings reset": {
			in:   `{"k8s":{"security_context":{"privileged":true,"allow_privilege_escalation":true,"run_as_user":0,"run_as_non_root":false,"proc_mount":"Unmasked","capabilities":{"add":["SYS_ADMIN"],"drop":["NET_RAW"]},"seccomp_profile":{"type":"Unconfined"}}}}`,
			want: `{"k8s":{"security_context":{"allow_privilege_escalation":false,"capabilities":{"drop":["NET_RAW","ALL"]},"privileged":false,"run_as_non_root":true,"seccomp_profile":{"type":"RuntimeDefault"}}}}`,
		},
		"pod spec weakenings reset, camelCase too": {
			in:   `{"k8s":{"run_k8s_config":{"pod_spec_config":{"host_network":true,"hostPID":true,"security_context":{"runAsUser":0,"runAsNonRoot":false}},"container_config":{"securityContext":{"privileged":true}}}}}`,
			want: `{"k8s":{"run_k8s_config":{"container_config":{"securityContext":{"privileged":false}},"pod_spec_config":{"security_context":{"runAsNonRoot":true,"runAsUser":1000}}}}}`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			if got := secured(t, tc.in); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	for name, tc := range map[string]struct{ ctx, err string }{
		"hostPath volume of run pods": {
			ctx: `{"k8s":{"volumes":[{"name":"root","host_path":{"path":"/"}}]}}`,
			err: "(rendered): Pod/p: spec.containers[name=c].env[name=DAGSTER_CLI_API_GRPC_CONTAINER_CONTEXT].value(json).k8s.volumes[0].host_path: a host_path volume is not allowed",
		},
		"unsafe sysctl of run pods": {
			ctx: `{"k8s":{"run_k8s_config":{"pod_spec_config":{"security_context":{"sysctls":[{"name":"kernel.msgmax","value":"1"}]}}}}}`,
			err: `pod_spec_config.security_context.sysctls[0]: sysctl "kernel.msgmax" is not a safe sysctl`,
		},
		"invalid JSON": {ctx: `{"k8s":`, err: "invalid container context JSON"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fltApply(t, pod(tc.ctx), PodSecurity{})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error = %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// FuzzSecureContainerContext: any input either fails or yields a context that a second
// pass leaves unchanged (resets are complete and stable).
func FuzzSecureContainerContext(f *testing.F) {
	for _, s := range []string{
		`{"k8s":{"security_context":{"privileged":true,"capabilities":{"add":["SYS_ADMIN","NET_BIND_SERVICE"]}}}}`,
		`{"k8s":{"run_k8s_config":{"pod_spec_config":{"host_network":true,"security_context":{"run_as_user":"0"}}}}}`,
		`{"k8s":{"volumes":[{"name":"x","host_path":{}}]}}`, `{}`, `[]`, `{"k8s":1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		once, _, err := secureContainerContext(raw)
		if err != nil {
			return
		}
		twice, _, err := secureContainerContext(once)
		if err != nil {
			t.Fatalf("second pass of %q: %v", once, err)
		}
		if twice != once {
			t.Fatalf("not stable:\n%s\n%s", once, twice)
		}
	})
}
