# Package floe.netpol: when the Manifest enables network policies, the pods of every
# product workload are selected by a NetworkPolicy of the stream whose egress admits
# the D-RND-18 ports (POL-NET-02; D-GATE-01). It needs params.networkPolicy (floe
# render sets it from the Manifest) and a product. It looks across the stream, so the
# engine evaluates it on the whole of it.
package floe.netpol

import data.floe.lib

rules["POL-NET-02"] := {
	"title": "A NetworkPolicy selects the product's pods and admits the platform egress",
	"severity": "warn",
	"remediation": "Render the product with floe (it adds the product NetworkPolicy when governance.network_policies.enabled), or add a NetworkPolicy selecting floe.dev/product: <product> whose egress admits DNS and the platform's ports.",
}

whole_stream := true

network_policies := [o.object | some o in input.objects; o.object.kind == "NetworkPolicy"]

violation contains {"rule": "POL-NET-02", "i": p.i, "msg": msg} if {
	want := data.floe.params.networkPolicy
	lib.product_known
	some p in lib.pods
	msg := problem(lib.object_or(object.get(p.meta, "labels", {})), want.egressPorts)
}

# problem is what is wrong for pods labelled labels; undefined when nothing is.
problem(labels, ports) := "no NetworkPolicy selects its pods" if {
	count(selecting(labels)) == 0
} else := sprintf("no NetworkPolicy selecting its pods admits egress to port(s) %s", [concat(", ", missing)]) if {
	missing := [sprintf("%d", [port]) | some port in ports; not admitted(selecting(labels), port)]
	count(missing) > 0
}

# selecting lists the egress-governing NetworkPolicies whose podSelector selects pods
# labelled labels (matchLabels only; a matchExpressions selector is not followed).
selecting(labels) := [np |
	some np in network_policies
	sel := object.get(np, ["spec", "podSelector"], {})
	not sel.matchExpressions
	object.subset(labels, object.get(sel, "matchLabels", {}))
	governs_egress(np)
]

governs_egress(np) if "Egress" in object.get(np, ["spec", "policyTypes"], [])

governs_egress(np) if {
	not np.spec.policyTypes
	np.spec.egress
}

# admitted holds when an egress rule of one of nps admits port (a rule without ports
# admits every port; named ports are not resolved).
admitted(nps, _) if {
	some np in nps
	some rule in object.get(np, ["spec", "egress"], [])
	not rule.ports
}

admitted(nps, port) if {
	some np in nps
	some rule in object.get(np, ["spec", "egress"], [])
	some p in rule.ports
	p.port == port
}

admitted(nps, port) if {
	some np in nps
	some rule in object.get(np, ["spec", "egress"], [])
	some p in rule.ports
	is_number(p.endPort)
	p.port <= port
	port <= p.endPort
}
