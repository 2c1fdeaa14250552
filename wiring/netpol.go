package wiring

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/floe-dev/floe/config"
)

// D-RND-18 platform ports a product's pods reach: Polaris, object storage, the OTLP HTTP
// receiver, Dagster's run storage (Postgres) and the code server's gRPC port.
const (
	PolarisPort  = 8181
	StoragePort  = 9000
	OTLPHTTPPort = 4318
	PostgresPort = 5432
	DagsterPort  = 3030
)

// NetworkPolicy is the product NetworkPolicy of D-RND-18 in the shape of its spec fields.
type NetworkPolicy struct {
	PolicyTypes []string
	Ingress     []any // NetworkPolicyIngressRule objects
	Egress      []any // NetworkPolicyEgressRule objects
	// EgressPorts are the ports the policy must admit (POL-NET-02 checks them): DNS and
	// the platform's, sorted.
	EgressPorts []int
}

// ForNetworkPolicy derives the product NetworkPolicy; ok is false when the Manifest does
// not enable network policies (governance.network_policies.enabled). It admits DNS (53,
// UDP and TCP, to kube-system), the platform's ports (Polaris, object storage, the OTLP
// endpoint's port and 4318, the lineage endpoint's port when lineage is on, and
// Postgres for Dagster's runs) and the Manifest's custom_egress_rules. With
// default_deny it also governs ingress: none for floe-jobs, the code server's gRPC port
// from Dagster's pods for dagster.
func ForNetworkPolicy(m *config.Manifest, p Platform, dagster bool) (NetworkPolicy, bool) {
	var s config.NetworkPolicySettings
	if m != nil {
		s = m.Governance.NetworkPolicy()
	}
	if !s.Enabled {
		return NetworkPolicy{}, false
	}
	ports := []int{PolarisPort, StoragePort, urlPort(p.OTLP, 4317), OTLPHTTPPort}
	if p.Lineage {
		ports = append(ports, urlPort(p.LineageURL, 5000))
	}
	if dagster {
		ports = append(ports, PostgresPort)
	}
	slices.Sort(ports)
	ports = slices.Compact(ports)
	np := NetworkPolicy{PolicyTypes: []string{"Egress"}, EgressPorts: append([]int{53}, ports...)}
	platform := make([]any, len(ports))
	for i, port := range ports {
		platform[i] = portRule("TCP", port)
	}
	np.Egress = []any{
		map[string]any{
			"to":    []any{namespace("kube-system")},
			"ports": []any{portRule("UDP", 53), portRule("TCP", 53)},
		},
		map[string]any{"ports": platform},
	}
	for _, r := range s.Egress {
		var to map[string]any
		if r.ToCIDR != "" {
			to = map[string]any{"ipBlock": map[string]any{"cidr": r.ToCIDR}}
		} else {
			to = namespace(r.ToNamespace)
		}
		rp := make([]any, len(r.Ports))
		for i, port := range r.Ports {
			rp[i] = portRule(port.Protocol, port.Port)
		}
		np.Egress = append(np.Egress, map[string]any{"to": []any{to}, "ports": rp})
	}
	if s.DefaultDeny {
		np.PolicyTypes = []string{"Ingress", "Egress"}
		np.Ingress = []any{}
		if dagster {
			np.Ingress = []any{map[string]any{
				"from": []any{map[string]any{
					"namespaceSelector": map[string]any{},
					"podSelector":       map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "dagster"}},
				}},
				"ports": []any{portRule("TCP", DagsterPort)},
			}}
		}
	}
	return np, true
}

func portRule(protocol string, port int) map[string]any {
	return map[string]any{"protocol": protocol, "port": port}
}

func namespace(name string) map[string]any {
	return map[string]any{"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": name}}}
}

// urlPort is the port of an http(s) URL: explicit, else the scheme's; def when the URL
// does not parse.
func urlPort(raw string, def int) int {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return def
	}
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}
