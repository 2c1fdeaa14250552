package floe.dagster_test

import data.floe.testlib as t

# run is a Dagster run Job as policies.DagsterRuns builds it: the fixture's job with the
# run annotation, DAGSTER_HOME and writable /tmp and Dagster storage.
run := json.patch(t.job, [
	{"op": "add", "path": "/metadata/annotations", "value": {"floe.dev/dagster-run-of": "Deployment/orders"}},
	{"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": {"name": "DAGSTER_HOME", "value": "/opt/dagster/dagster_home"}},
	{"op": "add", "path": "/spec/template/spec/containers/0/volumeMounts/-", "value": {"name": "dagster-home", "mountPath": "/opt/dagster/dagster_home"}},
	{"op": "add", "path": "/spec/template/spec/volumes/-", "value": {"name": "dagster-home", "emptyDir": {}}},
])

container := "/spec/template/spec/containers/0"

test_pol_dag_01_pass_writable_dirs if {
	not "POL-DAG-01" in t.fired([run], t.params)
}

test_pol_dag_01_fail_no_tmp if {
	j := t.removed(run, concat("/", [container, "volumeMounts/0"]))
	t.messages("POL-DAG-01", [j], t.params) == {`container "dbt": /tmp is not on a writable emptyDir mount, and the root filesystem is read-only`}
}

test_pol_dag_01_fail_no_dagster_home if {
	j := t.removed(run, concat("/", [container, "volumeMounts/2"]))
	t.messages("POL-DAG-01", [j], t.params) == {`container "dbt": Dagster storage (DAGSTER_HOME /opt/dagster/dagster_home) is not on a writable emptyDir mount, and the root filesystem is read-only`}
}

test_pol_dag_01_fail_read_only_mount if {
	j := t.patched(run, concat("/", [container, "volumeMounts/0/readOnly"]), true)
	"POL-DAG-01" in t.fired([j], t.params)
}

test_pol_dag_01_fail_not_empty_dir if {
	j := json.patch(run, [{"op": "replace", "path": "/spec/template/spec/volumes/0", "value": {"name": "tmp", "configMap": {"name": "x"}}}])
	"POL-DAG-01" in t.fired([j], t.params)
}

test_pol_dag_01_pass_parent_mount if {
	j := t.patched(run, concat("/", [container, "env/6/value"]), "/tmp/dagster")
	not "POL-DAG-01" in t.fired([j], t.params)
}

test_pol_dag_01_pass_writable_root_left_to_pol_sec_04 if {
	j := t.removed(t.patched(run, concat("/", [container, "securityContext/readOnlyRootFilesystem"]), false), concat("/", [container, "volumeMounts/0"]))
	not "POL-DAG-01" in t.fired([j], t.params)
	"POL-SEC-04" in t.fired([j], t.params)
}

test_pol_dag_01_only_run_pods if {
	j := t.removed(t.removed(run, "/metadata/annotations"), concat("/", [container, "volumeMounts/0"]))
	not "POL-DAG-01" in t.fired([j], t.params)
}
