# Package floe.dagster: a product's Dagster code location is reachable where the
# platform will look for it (POL-DAG-01; SPEC §3.2.4, D2). For every workspace
# ConfigMap (label floe.dev/dagster-workspace: "true", as floe render writes it): each
# workspace.yaml grpc_server entry names its host as its location, uses port 3030, has
# a Service of that name with port 3030 in the stream, and is listed in the
# platform-values.yaml fragment. It looks across the stream, so the engine evaluates it
# on the whole of it.
package floe.dagster

import data.floe.lib

rules["POL-DAG-01"] := {
	"title": "Dagster code locations match their Service, port and platform values",
	"severity": "deny",
	"remediation": "Keep the workspace entry, the Service and the platform values fragment in step: Service <product> with port 3030 named grpc, workspace host and location_name <product>, and the fragment's dagster-user-deployments.deployments entry {name: <product>, port: 3030}; floe render writes all three.",
}

whole_stream := true

port := 3030

workspaces := [[i, o.object] |
	some i in lib.objects_of_kind("ConfigMap")
	o := input.objects[i]
	object.get(o.object, ["metadata", "labels", "floe.dev/dagster-workspace"], "") == "true"
]

# service_ports are the [name, port] pairs the stream's Services expose.
service_ports := {[o.object.metadata.name, p.port] |
	some o in input.objects
	o.object.kind == "Service"
	some p in lib.array_or(object.get(o.object, ["spec", "ports"], []))
}

violation contains {"rule": "POL-DAG-01", "i": i, "msg": msg} if {
	some [i, cm] in workspaces
	some msg in workspace_problems(object.get(cm, "data", {}))
}

workspace_problems(files) := [sprintf("%s is not valid YAML", [key]) |
	some key in ["workspace.yaml", "platform-values.yaml"]
	not yaml.is_valid(object.get(files, key, ""))
] if {
	some key in ["workspace.yaml", "platform-values.yaml"]
	not yaml.is_valid(object.get(files, key, ""))
} else := entry_problems(yaml.unmarshal(files["workspace.yaml"]), yaml.unmarshal(files["platform-values.yaml"]))

entry_problems(workspace, values) := ["workspace.yaml has no grpc_server entry"] if {
	count(servers(workspace)) == 0
} else := [msg | some s in servers(workspace); some msg in server_problems(s, listed(values))]

servers(workspace) := [s.grpc_server | some s in lib.array_or(object.get(lib.object_or(workspace), "load_from", [])); is_object(s.grpc_server)]

# listed is the set of [name, port] the platform values fragment deploys.
listed(values) := {[d.name, d.port] |
	some d in lib.array_or(object.get(lib.object_or(values), ["dagster", "dagster-user-deployments", "deployments"], []))
}

server_problems(s, deployed) := array.concat(array.concat(
	[sprintf("workspace entry %q: location_name %q differs from its host", [s.host, s.location_name]) |
		object.get(s, "location_name", s.host) != s.host
	],
	[sprintf("workspace entry %q: port %v (want %d)", [s.host, s.port, port]) | s.port != port],
), array.concat(
	[sprintf("workspace entry %q: no Service %q with port %d in the stream", [s.host, s.host, port]) |
		not [s.host, port] in service_ports
	],
	[sprintf("workspace entry %q: the platform values fragment does not deploy it on port %d", [s.host, port]) |
		not [s.host, port] in deployed
	],
))
