# Package floe.telemetry: every workload container is wired to OpenTelemetry and, when
# lineage is on, to OpenLineage (POL-OTEL-01, POL-OL-01; D-RND-14, D-RND-16).
package floe.telemetry

import data.floe.lib

rules["POL-OTEL-01"] := {
	"title": "Workload containers are wired to OpenTelemetry",
	"severity": "deny",
	"remediation": "Set OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME=<product> and OTEL_RESOURCE_ATTRIBUTES with floe.namespace, floe.product.name and floe.product.version on every container (floe render and floe post-render inject them).",
}

rules["POL-OL-01"] := {
	"title": "Workload containers are wired to OpenLineage when lineage is on",
	"severity": "deny",
	"remediation": "Set OPENLINEAGE_URL (the Marquez base URL) and OPENLINEAGE_NAMESPACE=<lineage namespace> on every container, or turn lineage off in the platform Manifest (observability.lineage.enabled: false).",
}

otel_vars := ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"]

ol_vars := ["OPENLINEAGE_URL", "OPENLINEAGE_NAMESPACE"]

resource_keys := ["floe.namespace", "floe.product.name", "floe.product.version"] if {
	not lib.platform_workloads
} else := platform_resource_keys

# platform_resource_keys are the attributes a platform component (params.platform:
# Dagster's webserver, daemon, migrations under post-render) carries instead of a
# product's: it belongs to no product (D-GATE-10).
platform_resource_keys := ["deployment.environment", "floe.platform.component"]

# expected resource attributes and the parameter giving their value.
attribute_params := {"floe.product.name": "product", "floe.product.version": "productVersion", "floe.namespace": "lineageNamespace"}

violation contains v if {
	some x in lib.app_containers
	watched := [e | some e in lib.array_or(object.get(x.c, "env", [])); watched_names[e.name]]
	some p in env_problems(watched)
	v := {"rule": p[0], "i": x.i, "msg": sprintf("%s: %s", [lib.label(x.field, x.name), p[1]])}
}

# watched_names are the variables these rules read; only those entries of a container's
# env are handed to env_problems, which the containers of a product then share (it is
# cached by its argument) however much else their env lists differ.
watched_names := {n | some n in array.concat(otel_vars, ol_vars)}

# env_problems lists [rule, message] pairs for the watched entries of one env list.
env_problems(env) := array.concat(otel_problems(env), ol_problems(env))

# names is the set of variable names env defines (literal or valueFrom).
names(env) := {e.name | some e in env}

# values(env, name) is the set of non-empty literal values of name (several when env
# repeats it; each is checked).
values(env, name) := {e.value | some e in env; e.name == name; is_string(e.value); e.value != ""}

otel_problems(env) := array.concat(
	[["POL-OTEL-01", sprintf("env %s not set", [concat(", ", missing)])] |
		missing := [n | some n in otel_vars; not n in names(env)]
		count(missing) > 0
	],
	[["POL-OTEL-01", msg] | some msg in otel_value_problems(env)],
)

otel_value_problems(env) := array.concat(
	[sprintf("OTEL_RESOURCE_ATTRIBUTES lacks %s", [concat(", ", missing)]) |
		some s in values(env, "OTEL_RESOURCE_ATTRIBUTES")
		attrs := attributes(s)
		missing := [k | some k in resource_keys; not attrs[k]]
		count(missing) > 0
	],
	array.concat(
		[sprintf("OTEL_RESOURCE_ATTRIBUTES has %s=%s (want %s)", [key, got, want]) |
			some s in values(env, "OTEL_RESOURCE_ATTRIBUTES")
			attrs := attributes(s)
			some key, param in attribute_params
			want := lib.param(param)
			got := attrs[key]
			got != want
		],
		[sprintf("OTEL_SERVICE_NAME is %q (want %q)", [got, want]) |
			want := lib.param("product")
			some got in values(env, "OTEL_SERVICE_NAME")
			got != want
		],
	),
)

lineage_on if data.floe.params.lineageEnabled == true

ol_problems(env) := [] if {
	not lineage_on
} else := array.concat(
	[["POL-OL-01", sprintf("env %s not set", [concat(", ", missing)])] |
		missing := [n | some n in ol_vars; not n in names(env)]
		count(missing) > 0
	],
	[["POL-OL-01", sprintf("OPENLINEAGE_NAMESPACE is %q (want %q)", [got, want])] |
		want := lib.param("lineageNamespace")
		some got in values(env, "OPENLINEAGE_NAMESPACE")
		got != want
	],
)

# attributes parses "k1=v1,k2=v2" (W3C baggage-like, as the OTel SDK reads it).
attributes(s) := {trim_space(kv[0]): trim_space(concat("=", array.slice(kv, 1, count(kv)))) |
	some pair in split(s, ",")
	kv := split(pair, "=")
	count(kv) >= 2
}
