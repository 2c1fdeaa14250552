package floe.netpol_test

import data.floe.testlib as t

params := t.params_with({"networkPolicy": {"egressPorts": [53, 4317, 5000, 8181]}})

netpol(egress) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "NetworkPolicy",
	"metadata": t.meta("orders"),
	"spec": {
		"podSelector": {"matchLabels": {"floe.dev/product": "orders"}},
		"policyTypes": ["Ingress", "Egress"],
		"egress": egress,
	},
}

full := netpol([
	{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}], "ports": [{"protocol": "UDP", "port": 53}]},
	{"ports": [{"protocol": "TCP", "port": 4317}, {"protocol": "TCP", "port": 5000}, {"protocol": "TCP", "port": 8181}]},
])

test_pol_net_02_pass_selected_and_admitted if {
	not "POL-NET-02" in t.fired(array.concat(t.good, [full]), params)
}

test_pol_net_02_pass_off_without_the_parameter if {
	not "POL-NET-02" in t.fired(t.good, t.params)
}

test_pol_net_02_pass_port_range if {
	np := netpol([{"ports": [{"port": 53}, {"port": 4000, "endPort": 9000}]}])
	not "POL-NET-02" in t.fired(array.concat(t.good, [np]), params)
}

test_pol_net_02_fail_no_policy if {
	t.messages("POL-NET-02", t.good, params) == {"no NetworkPolicy selects its pods"}
}

test_pol_net_02_fail_missing_port if {
	np := netpol([{"ports": [{"port": 53}, {"port": 4317}]}])
	t.messages("POL-NET-02", array.concat(t.good, [np]), params) == {"no NetworkPolicy selecting its pods admits egress to port(s) 5000, 8181"}
}

test_pol_net_02_fail_other_product if {
	np := json.patch(full, [{"op": "replace", "path": "/spec/podSelector/matchLabels/floe.dev~1product", "value": "payments"}])
	t.messages("POL-NET-02", array.concat(t.good, [np]), params) == {"no NetworkPolicy selects its pods"}
}

test_pol_net_02_fail_ingress_only if {
	np := json.patch(full, [{"op": "replace", "path": "/spec/policyTypes", "value": ["Ingress"]}])
	t.messages("POL-NET-02", array.concat(t.good, [np]), params) == {"no NetworkPolicy selects its pods"}
}
