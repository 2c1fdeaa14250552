# Package floe.testlib holds the fixtures of the rego unit tests: one compliant object
# of each kind the policies look at, the parameters they comply with, and helpers.
# Tests mutate a fixture with json.patch and check which rules fire.
package floe.testlib

params := {
	"namespace": "floe-dev",
	"serviceAccount": "floe-data-product-runner",
	"registry": "registry.example.com/data-products",
	"tagPolicy": "git-sha",
	"environment": "staging",
	"product": "orders",
	"productVersion": "1.4.2",
	"mode": "simple",
	"lineageEnabled": true,
	"lineageNamespace": "orders",
	"schedule": {"timezone": "Europe/Berlin", "enabled": true},
}

# params_with(overrides) is params with some entries replaced.
params_with(overrides) := object.union(params, overrides)

labels := {
	"app.kubernetes.io/name": "floe-jobs",
	"app.kubernetes.io/instance": "orders",
	"app.kubernetes.io/version": "1.4.2",
	"app.kubernetes.io/managed-by": "floe",
	"app.kubernetes.io/part-of": "floe-jobs",
	"app.kubernetes.io/component": "dbt",
	"floe.dev/product": "orders",
	"floe.dev/environment": "staging",
	"floe.dev/mode": "simple",
}

pod_labels := object.union(labels, {"floe.dev/job-type": "data-pipeline"})

meta(name) := {"name": name, "namespace": "floe-dev", "labels": labels}

container := {
	"name": "dbt",
	"image": "registry.example.com/data-products/orders:0123456789ab",
	"args": ["build", "--profiles-dir", "/etc/dbt"],
	"env": [
		{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://floe-platform-otel.floe-dev.svc.cluster.local:4317"},
		{"name": "OTEL_SERVICE_NAME", "value": "orders"},
		{"name": "OTEL_RESOURCE_ATTRIBUTES", "value": "service.version=1.4.2,deployment.environment=staging,floe.namespace=orders,floe.product.name=orders,floe.product.version=1.4.2,floe.mode=staging"},
		{"name": "OPENLINEAGE_URL", "value": "http://floe-platform-marquez.floe-dev.svc.cluster.local:5000"},
		{"name": "OPENLINEAGE_NAMESPACE", "value": "orders"},
		{"name": "POLARIS_CLIENT_SECRET", "valueFrom": {"secretKeyRef": {"name": "polaris", "key": "client_secret"}}},
	],
	"resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}},
	"securityContext": {
		"allowPrivilegeEscalation": false,
		"readOnlyRootFilesystem": true,
		"capabilities": {"drop": ["ALL"]},
	},
	"volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}, {"name": "profiles", "mountPath": "/etc/dbt", "readOnly": true}],
}

pod_spec := {
	"serviceAccountName": "floe-data-product-runner",
	"automountServiceAccountToken": false,
	"restartPolicy": "Never",
	"securityContext": {
		"runAsNonRoot": true,
		"runAsUser": 1000,
		"runAsGroup": 1000,
		"fsGroup": 1000,
		"seccompProfile": {"type": "RuntimeDefault"},
	},
	"containers": [container],
	"volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "profiles", "configMap": {"name": "orders-dbt-profiles"}}],
}

cronjob := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": meta("orders-dbt"),
	"spec": {
		"schedule": "0 6 * * 1-5",
		"timeZone": "Europe/Berlin",
		"suspend": false,
		"concurrencyPolicy": "Forbid",
		"jobTemplate": {"spec": {"template": {"metadata": {"labels": pod_labels}, "spec": pod_spec}}},
	},
}

job := {
	"apiVersion": "batch/v1",
	"kind": "Job",
	"metadata": meta("orders-dbt-01234567"),
	"spec": {"template": {"metadata": {"labels": pod_labels}, "spec": pod_spec}},
}

deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": meta("orders"),
	"spec": {
		"replicas": 1,
		"selector": {"matchLabels": {"floe.dev/product": "orders"}},
		"template": {
			"metadata": {"labels": object.union(pod_labels, {"app.kubernetes.io/part-of": "floe-platform"})},
			"spec": object.remove(pod_spec, ["restartPolicy"]),
		},
	},
}

configmap := {
	"apiVersion": "v1",
	"kind": "ConfigMap",
	"metadata": meta("orders-dbt-profiles"),
	"data": {"profiles.yml": "orders:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: /tmp/floe/orders.duckdb\n      password: \"{{ env_var('FLOE_SECRET_DUCKDB') }}\"\n"},
}

service := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": meta("orders"),
	"spec": {"selector": {"floe.dev/product": "orders"}, "ports": [{"name": "grpc", "port": 3030}]},
}

# good is one compliant object of each kind.
good := [cronjob, job, deployment, configmap, service]

# input_of(objs) is the engine's input for a list of objects.
input_of(objs) := {"objects": [{"object": o, "file": "test.yaml", "line": k + 1, "doc": k} | some k, o in objs]}

# violations(objs, p) are all violations of all floe packages for objs under params p.
violations(objs, p) := vs if {
	vs := {v | some pkg; some v in data.floe[pkg].violation} with input as input_of(objs) with data.floe.params as p
}

# fired(objs, p) is the set of rule IDs that fire.
fired(objs, p) := {v.rule | some v in violations(objs, p)}

# messages(rule, objs, p) are the messages of one rule.
messages(rule, objs, p) := {v.msg | some v in violations(objs, p); v.rule == rule}

# patched(obj, path, value) sets one field (a JSON pointer) of obj.
patched(obj, path, value) := json.patch(obj, [{"op": "add", "path": path, "value": value}])

# removed(obj, path) deletes one field of obj.
removed(obj, path) := json.patch(obj, [{"op": "remove", "path": path}])

cj_container := "/spec/jobTemplate/spec/template/spec/containers/0"

cj_pod := "/spec/jobTemplate/spec/template/spec"

test_good_stream_has_no_violations if {
	count(violations(good, params)) == 0
}

test_good_stream_without_product_has_no_violations if {
	count(violations(good, {"namespace": "floe-dev"})) == 0
}
