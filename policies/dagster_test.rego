package floe.dagster_test

import data.floe.testlib as t

workspace(ws, values) := {
	"apiVersion": "v1",
	"kind": "ConfigMap",
	"metadata": object.union(t.meta("orders-dagster-workspace"), {"labels": object.union(t.labels, {"floe.dev/dagster-workspace": "true"})}),
	"data": {"workspace.yaml": ws, "platform-values.yaml": values},
}

good_ws := "load_from:\n  - grpc_server:\n      host: orders\n      port: 3030\n      location_name: orders\n"

good_values := "dagster:\n  dagster-user-deployments:\n    enabled: true\n    enableSubchart: false\n    deployments:\n      - name: orders\n        port: 3030\n"

test_pol_dag_01_pass_in_step if {
	not "POL-DAG-01" in t.fired(array.concat(t.good, [workspace(good_ws, good_values)]), t.params)
}

test_pol_dag_01_pass_no_workspace if {
	not "POL-DAG-01" in t.fired(t.good, t.params)
}

test_pol_dag_01_fail_no_service if {
	objs := [o | some o in t.good; o.kind != "Service"]
	t.messages("POL-DAG-01", array.concat(objs, [workspace(good_ws, good_values)]), t.params) == {`workspace entry "orders": no Service "orders" with port 3030 in the stream`}
}

test_pol_dag_01_fail_out_of_step if {
	ws := "load_from:\n  - grpc_server: {host: orders, port: 4000, location_name: orders-location}\n"
	values := "dagster:\n  dagster-user-deployments:\n    deployments: [{name: other, port: 3030}]\n"
	t.messages("POL-DAG-01", array.concat(t.good, [workspace(ws, values)]), t.params) == {
		`workspace entry "orders": location_name "orders-location" differs from its host`,
		`workspace entry "orders": port 4000 (want 3030)`,
		`workspace entry "orders": the platform values fragment does not deploy it on port 3030`,
	}
}

test_pol_dag_01_fail_not_yaml if {
	t.messages("POL-DAG-01", array.concat(t.good, [workspace("load_from: [", good_values)]), t.params) == {"workspace.yaml is not valid YAML"}
}

test_pol_dag_01_fail_no_entry if {
	t.messages("POL-DAG-01", array.concat(t.good, [workspace("load_from: []\n", good_values)]), t.params) == {"workspace.yaml has no grpc_server entry"}
}

test_pol_dag_01_pass_services_of_one_name_in_two_namespaces if {
	other := json.patch(t.service, [{"op": "replace", "path": "/metadata/namespace", "value": "elsewhere"}, {"op": "replace", "path": "/spec/ports", "value": [{"port": 80}]}])
	not "POL-DAG-01" in t.fired(array.concat(t.good, [other, workspace(good_ws, good_values)]), t.params)
}
