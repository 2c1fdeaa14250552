package wiring

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/floe-dev/floe/config"
)

func TestForNetworkPolicy(t *testing.T) {
	gov := func(np map[string]any) *config.Manifest {
		return &config.Manifest{Governance: &config.Governance{NetworkPolicies: np}}
	}
	platform := Platform{OTLP: "http://floe-platform-otel.floe-dev.svc.cluster.local:4317", Lineage: true,
		LineageURL: "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000"}
	for _, tc := range []struct {
		name     string
		m        *config.Manifest
		p        Platform
		dagster  bool
		ok       bool
		types    []string
		ports    []int
		ingress  int    // ingress rules
		contains string // a piece of the JSON form
	}{
		{name: "no manifest", p: platform},
		{name: "no governance", m: &config.Manifest{}, p: platform},
		{name: "disabled", m: gov(map[string]any{"enabled": false}), p: platform},
		{name: "floe-jobs", m: gov(map[string]any{"enabled": true}), p: platform, ok: true,
			types: []string{"Ingress", "Egress"}, ports: []int{53, 4317, 4318, 5000, 8181, 9000},
			contains: `{"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}}}]}`},
		{name: "dagster", m: gov(map[string]any{"enabled": true}), p: platform, dagster: true, ok: true,
			types: []string{"Ingress", "Egress"}, ports: []int{53, 4317, 4318, 5000, 5432, 8181, 9000}, ingress: 1,
			contains: `"ports":[{"port":3030,"protocol":"TCP"}]`},
		{name: "no default deny", m: gov(map[string]any{"enabled": true, "default_deny": false}), p: platform, dagster: true, ok: true,
			types: []string{"Egress"}, ports: []int{53, 4317, 4318, 5000, 5432, 8181, 9000}},
		{name: "own endpoints, lineage off", m: gov(map[string]any{"enabled": true}),
			p: Platform{OTLP: "https://otel.example.com", LineageURL: "http://marquez:5000"}, ok: true,
			types: []string{"Ingress", "Egress"}, ports: []int{53, 443, 4318, 8181, 9000}},
		{name: "custom rules", m: gov(map[string]any{"enabled": true, "custom_egress_rules": []any{
			map[string]any{"to_cidr": "10.0.0.0/8", "ports": []any{map[string]any{"port": 443}}},
			map[string]any{"to_namespace": "vault", "ports": []any{map[string]any{"port": 8200, "protocol": "TCP"}}},
		}}), p: platform, ok: true, types: []string{"Ingress", "Egress"}, ports: []int{53, 4317, 4318, 5000, 8181, 9000},
			contains: `{"ports":[{"port":443,"protocol":"TCP"}],"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]},{"ports":[{"port":8200,"protocol":"TCP"}],"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"vault"}}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			np, ok := ForNetworkPolicy(tc.m, tc.p, tc.dagster)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if !slices.Equal(np.PolicyTypes, tc.types) || !slices.Equal(np.EgressPorts, tc.ports) || len(np.Ingress) != tc.ingress {
				t.Errorf("types %v, ports %v, %d ingress rules; want %v, %v, %d", np.PolicyTypes, np.EgressPorts, len(np.Ingress), tc.types, tc.ports, tc.ingress)
			}
			b, err := json.Marshal(map[string]any{"ingress": np.Ingress, "egress": np.Egress})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tc.contains) {
				t.Errorf("%s\nlacks %s", b, tc.contains)
			}
		})
	}
}
