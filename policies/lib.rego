# Package floe.lib holds what every floe policy shares: where the pod templates and
# containers of each workload are, the parameters of the current check, and small
# predicates. It defines no violations and no rules of its own.
#
# Input: {"objects": [{"object": {...}, "file": "...", "line": 12, "doc": 0}, ...],
# "params": {...}}; the engine mounts input.params at data.floe.params (namespace,
# serviceAccount, registry, tagPolicy, environment, product, productVersion, mode,
# lineageEnabled, lineageNamespace, schedule, chart, platform). An empty parameter
# switches off the checks that need it.
#
# Every built-in rule judges one object at a time: a violation of input.objects[i]
# depends on that object and the parameters only. The engine relies on it to evaluate
# parts of a large stream in parallel (TestSplitEvaluation); a contract bundle that
# declares one of the built-in packages turns that off. A package whose rules look
# across the stream declares `whole_stream := true` and is evaluated on all of it.
#
# Performance (5,000 objects in one query): lists are built once here and rules
# iterate them with builtins. User functions cache results keyed by their arguments,
# so they are called only with small arguments (a securityContext, an image, a name),
# which also makes repeated values (every container of a product shares them) cheap.
package floe.lib

# param(key) is a non-empty parameter; undefined when unset or empty.
param(key) := v if {
	v := data.floe.params[key]
	v != ""
	v != null
}

# product_known holds when the check runs for a known product.
product_known if param("product")

# platform_workloads holds when the objects checked are the platform's own (params.platform:
# post-render's platform components), not a product's (D-GATE-10).
platform_workloads if data.floe.params.platform == true

# env_class is the environment class of D-RND-15: prod, dev or staging.
env_class := "prod" if {
	param("environment") in {"prod", "production"}
} else := "dev" if {
	param("environment") in {"dev", "development", "local", "demo", "test"}
} else := "staging" if {
	param("environment")
}

template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# pods lists every pod template of the stream once:
# {"i": object index, "kind": workload kind, "meta": template metadata, "spec": pod spec}.
pods := array.concat(
	array.concat(
		[{"i": i, "kind": o.object.kind, "meta": object.get(t, "metadata", {}), "spec": t.spec} |
			some i, o in input.objects
			template_kinds[o.object.kind]
			t := o.object.spec.template
			is_object(t.spec)
		],
		[{"i": i, "kind": "CronJob", "meta": object.get(t, "metadata", {}), "spec": t.spec} |
			some i in objects_of_kind("CronJob")
			t := input.objects[i].object.spec.jobTemplate.spec.template
			is_object(t.spec)
		],
	),
	[{"i": i, "kind": "Pod", "meta": object.get(o, "metadata", {}), "spec": o.spec} |
		some i in objects_of_kind("Pod")
		o := input.objects[i].object
		is_object(o.spec)
	],
)

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# containers lists every container of every pod template: {"i": object index, "kind",
# "field": containers | initContainers | ephemeralContainers, "name", "c": the
# container, "csc": its securityContext, "psc": the pod's securityContext, "meta": the
# pod template's metadata}.
containers := [{
	"i": p.i, "kind": p.kind, "field": field, "name": object.get(c, "name", ""), "c": c,
	"csc": object.get(c, "securityContext", {}), "psc": object.get(p.spec, "securityContext", {}),
	"meta": p.meta,
} |
	some p in pods
	some field, list in object.filter(p.spec, container_fields)
	some c in array_or(list)
	is_object(c)
]

# app_containers are the main containers (not init or ephemeral ones).
app_containers := [x | some x in containers; x.field == "containers"]

# label names a container in messages: `container "dbt"`, `initContainer "init"`.
label(field, name) := sprintf("%s %q", [trim_suffix(field, "s"), name])

# effective(psc, csc) is a container's effective securityContext: the pod's settings
# overlaid by the container's own.
effective(psc, csc) := object.union(object_or(psc), object_or(csc))

# object_or(v) is v when it is an object, else {} (a malformed field checks as absent).
object_or(v) := v if is_object(v) else := {}

# array_or(v) is v when it is an array, else [].
array_or(v) := v if is_array(v) else := []

# objects_of_kind(kind) lists the indexes of the objects of one of the kinds rules
# look up this way (one pass over the stream collects them all).
objects_of_kind(kind) := [i | some [k, i] in indexed_kinds; k == kind]

indexed := {"CronJob", "Pod", "Secret", "ConfigMap"}

indexed_kinds := [[k, i] |
	some i, o in input.objects
	k := o.object.kind
	indexed[k]
]

cluster_scoped_kinds := {
	"Namespace", "Node", "PersistentVolume", "StorageClass", "PriorityClass", "RuntimeClass",
	"ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "IngressClass",
	"CSIDriver", "CSINode", "VolumeAttachment", "PodSecurityPolicy", "ClusterIssuer",
}

# secret_name_pattern matches the names (env variables, keys) whose values are secrets.
# It is Go's secretshape.NamePattern, copied here and held equal by
# TestSecretNamePatternMatchesGo: one list for everything floe prints, records and judges.
secret_name_pattern := `(?i)(password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)`
