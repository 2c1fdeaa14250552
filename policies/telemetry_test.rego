package floe.telemetry_test

import data.floe.testlib as t

env_path := concat("/", [t.cj_container, "env"])

# with_env replaces the fixture container's env, keeping the entries not named in drop.
without(names) := t.patched(t.cronjob, env_path, [e | some e in t.container.env; not e.name in names])

with_value(name, value) := t.patched(t.cronjob, env_path, [entry |
	some e in t.container.env
	entry := replaced(e, name, value)
])

replaced(e, name, value) := {"name": name, "value": value} if e.name == name

replaced(e, name, _) := e if e.name != name

test_pol_otel_01_pass_wired if {
	not "POL-OTEL-01" in t.fired(t.good, t.params)
}

test_pol_otel_01_pass_value_from_without_product if {
	cj := t.patched(t.cronjob, env_path, [
		{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "valueFrom": {"configMapKeyRef": {"name": "otel", "key": "endpoint"}}},
		{"name": "OTEL_SERVICE_NAME", "value": "anything"},
		{"name": "OTEL_RESOURCE_ATTRIBUTES", "value": "floe.namespace=x,floe.product.name=x,floe.product.version=1"},
	])
	not "POL-OTEL-01" in t.fired([cj], {"lineageEnabled": false})
}

test_pol_otel_01_pass_init_containers_are_not_checked if {
	init := {"name": "init", "image": t.container.image, "resources": t.container.resources, "securityContext": t.container.securityContext}
	cj := t.patched(t.cronjob, concat("/", [t.cj_pod, "initContainers"]), [init])
	not "POL-OTEL-01" in t.fired([cj], t.params)
}

test_pol_otel_01_fail_missing if {
	cj := without({"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"})
	t.messages("POL-OTEL-01", [cj], t.params) == {`container "dbt": env OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES not set`}
}

test_pol_otel_01_fail_attributes if {
	cj := with_value("OTEL_RESOURCE_ATTRIBUTES", "service.version=1.4.2,floe.product.name=payments")
	t.messages("POL-OTEL-01", [cj], t.params) == {
		`container "dbt": OTEL_RESOURCE_ATTRIBUTES lacks floe.namespace, floe.product.version`,
		`container "dbt": OTEL_RESOURCE_ATTRIBUTES has floe.product.name=payments (want orders)`,
	}
}

test_pol_otel_01_fail_service_name if {
	cj := with_value("OTEL_SERVICE_NAME", "floe-platform")
	t.messages("POL-OTEL-01", [cj], t.params) == {`container "dbt": OTEL_SERVICE_NAME is "floe-platform" (want "orders")`}
}

test_pol_ol_01_pass_lineage_off if {
	cj := without({"OPENLINEAGE_URL", "OPENLINEAGE_NAMESPACE"})
	not "POL-OL-01" in t.fired([cj], t.params_with({"lineageEnabled": false}))
}

test_pol_ol_01_fail_missing if {
	cj := without({"OPENLINEAGE_URL"})
	t.messages("POL-OL-01", [cj], t.params) == {`container "dbt": env OPENLINEAGE_URL not set`}
}

test_pol_ol_01_fail_namespace if {
	cj := with_value("OPENLINEAGE_NAMESPACE", "default")
	t.messages("POL-OL-01", [cj], t.params) == {`container "dbt": OPENLINEAGE_NAMESPACE is "default" (want "orders")`}
}

# Kubernetes accepts a variable set twice (the last wins); every literal value is
# checked, and the policy does not fail on the repetition.
test_pol_otel_01_fail_repeated_variable if {
	cj := t.patched(t.cronjob, env_path, array.concat(t.container.env, [{"name": "OTEL_SERVICE_NAME", "value": "other"}]))
	t.messages("POL-OTEL-01", [cj], t.params) == {`container "dbt": OTEL_SERVICE_NAME is "other" (want "orders")`}
}

# A platform component (params.platform) carries its own attributes, not a product's.
platform_params := object.union(object.remove(t.params, ["product", "productVersion", "lineageNamespace"]), {"platform": true})

test_pol_otel_01_pass_platform_component if {
	cj := with_value("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=dev,floe.platform.component=dagster-daemon")
	not "POL-OTEL-01" in t.fired([cj], platform_params)
}

test_pol_otel_01_fail_platform_component_attributes if {
	cj := with_value("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=dev")
	t.messages("POL-OTEL-01", [cj], platform_params) == {`container "dbt": OTEL_RESOURCE_ATTRIBUTES lacks floe.platform.component`}
}
