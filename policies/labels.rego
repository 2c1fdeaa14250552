# Package floe.labels: product objects and pod templates carry the D-RND-17 label set and
# the labels platform NetworkPolicies select on (POL-LBL-01, POL-NET-01; D-RND-17).
# These rules need a product: they do not fire when params.product is empty.
package floe.labels

import data.floe.lib

rules["POL-LBL-01"] := {
	"title": "Product objects and pod templates carry the floe labels",
	"severity": "deny",
	"remediation": "Label every product object and pod template with app.kubernetes.io/{name,instance,version,managed-by,part-of,component} and floe.dev/{product,environment,mode} (pod templates also floe.dev/job-type: data-pipeline), with valid label values; floe render and floe post-render add them.",
}

rules["POL-NET-01"] := {
	"title": "Job pods carry the labels platform NetworkPolicies select on",
	"severity": "deny",
	"remediation": "Label Job and CronJob pod templates app.kubernetes.io/part-of: floe-jobs; the floe-platform NetworkPolicy admits job pods to Polaris only by that label.",
}

# required maps each label key to its expected value ("" = any non-empty value).
required := {
	"app.kubernetes.io/name": "",
	"app.kubernetes.io/instance": instance,
	"app.kubernetes.io/version": object.get(data.floe.params, "productVersion", ""),
	"app.kubernetes.io/managed-by": "",
	"app.kubernetes.io/part-of": "",
	"app.kubernetes.io/component": "",
	"floe.dev/product": lib.param("product"),
	"floe.dev/environment": object.get(data.floe.params, "environment", ""),
	"floe.dev/mode": object.get(data.floe.params, "mode", ""),
}

# instance is the app.kubernetes.io/instance a product object must carry: the product,
# except on a chart's objects (post-render, params.chart), where it is the Helm release
# the chart's selectors depend on, so any non-empty value (D-GATE-09).
instance := "" if {
	data.floe.params.chart == true
} else := lib.param("product")

pod_required := object.union(required, {"floe.dev/job-type": "data-pipeline"})

violation contains {"rule": "POL-LBL-01", "i": i, "msg": sprintf("metadata %s", [problem])} if {
	lib.product_known
	some i, o in input.objects
	some problem in label_problems(object.get(o.object, ["metadata", "labels"], {}), false)
}

violation contains {"rule": rule, "i": p.i, "msg": msg} if {
	lib.product_known
	some p in lib.pods
	some [rule, msg] in pod_problems(object.get(p.meta, "labels", {}), p.kind in {"Job", "CronJob"})
}

# pod_problems lists [rule, message] pairs for a pod template's labels; job pods must
# also carry the part-of label platform NetworkPolicies select on (POL-NET-01).
pod_problems(labels, job) := array.concat(
	[["POL-LBL-01", sprintf("pod template %s", [problem])] | some problem in label_problems(labels, true)],
	[["POL-NET-01", sprintf("pod template label app.kubernetes.io/part-of is %q (want \"floe-jobs\")", [got])] |
		job
		got := object.get(lib.object_or(labels), "app.kubernetes.io/part-of", "")
		got != "floe-jobs"
	],
)

# label_problems lists what is wrong with one label set. Most label sets are fine and
# differ from object to object, so a handful of builtin calls recognise a good one
# (well_labelled) before the per-label details are worked out.
label_problems(labels, pod) := [] if {
	well_labelled(lib.object_or(labels), pod)
} else := label_details(labels, pod)

# well_labelled holds when labels has every wanted label with its wanted value and
# only valid values; it agrees with count(label_details(labels, pod)) == 0.
well_labelled(labels, pod) if {
	object.subset(labels, exact(pod))
	have := object.filter(labels, any_keys(pod))
	count(have) == count(any_keys(pod))
	not "" in have
	regex.match(valid_labels_json, json.marshal(labels))
}

# exact are the wanted labels with a fixed value; any_keys those with any non-empty one.
exact(pod) := {k: v | some k, v in wanted(pod); v != ""}

any_keys(pod) := {k | some k, v in wanted(pod); v == ""}

# valid_labels_json matches the JSON form of a label set whose values are all valid
# label values (which JSON never escapes); any key.
valid_labels_json := concat("", [`^\{(?:`, label_pair, `(?:,`, label_pair, `)*)?\}$`])

label_pair := concat("", [`"(?:[^"\\]|\\.)*":"`, value_grammar, `"`])

label_details(labels, pod) := array.concat(array.concat(
	[sprintf("lacks label(s) %s", [concat(", ", missing)]) |
		missing := sort([k | some k, _ in wanted(pod); object.get(lib.object_or(labels), k, "") in {"", null}])
		count(missing) > 0
	],
	[sprintf("label %s is %q (want %q)", [k, got, want]) |
		some k, want in wanted(pod)
		want != ""
		got := lib.object_or(labels)[k]
		not got in {"", null}
		got != want
	],
), [sprintf("label %s has an invalid value (63 characters at most, alphanumeric at both ends, -_. inside)", [k]) |
	some k, v in lib.object_or(labels)
	not regex.match(label_value, v)
])

wanted(false) := required

wanted(true) := pod_required

# label_value is the Kubernetes label-value grammar, 63 characters at most.
label_value := concat("", ["^", value_grammar, "$"])

value_grammar := `(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?`
