# Package floe.dagster: the run pods Dagster launches from a code location's container
# context, which the gate builds next to the stream (policies.DagsterRuns, D-GATE-08),
# can write where Dagster writes: /tmp and its storage under DAGSTER_HOME, when their
# root filesystem is read-only (POL-DAG-01; D-RND-23).
package floe.dagster

import data.floe.lib

rules["POL-DAG-01"] := {
	"title": "Dagster run pods have a writable /tmp and Dagster storage",
	"severity": "deny",
	"remediation": "Mount emptyDir volumes at /tmp and at DAGSTER_HOME in the code location's container context (k8s.volumes, k8s.volume_mounts) and do not replace them in run_k8s_config.container_config.volume_mounts; floe render copies the code server's mounts into the context.",
}

run_annotation := "floe.dev/dagster-run-of"

violation contains {"rule": "POL-DAG-01", "i": x.i, "msg": msg} if {
	some x in lib.app_containers
	x.kind == "Job"
	obj := input.objects[x.i].object
	object.get(obj, ["metadata", "annotations", run_annotation], "") != ""
	object.get(lib.object_or(x.csc), "readOnlyRootFilesystem", null) == true
	home := dagster_home(lib.array_or(object.get(x.c, "env", [])))
	volumes := lib.array_or(object.get(obj, ["spec", "template", "spec", "volumes"], []))
	mounts := lib.array_or(object.get(x.c, "volumeMounts", []))
	some [what, dir] in [["/tmp", "/tmp"], [sprintf("Dagster storage (DAGSTER_HOME %s)", [home]), home]]
	not writable(dir, mounts, volumes)
	msg := sprintf("%s: %s is not on a writable emptyDir mount, and the root filesystem is read-only", [lib.label(x.field, x.name), what])
}

# dagster_home is the container's DAGSTER_HOME (the last literal entry, as Kubernetes
# takes it); undefined for a container that does not run Dagster.
dagster_home(env) := homes[count(homes) - 1] if {
	homes := [e.value | some e in env; e.name == "DAGSTER_HOME"; is_string(e.value)]
	count(homes) > 0
}

# writable holds when dir is at or under a mount of an emptyDir volume that is not
# read-only.
writable(dir, mounts, volumes) if {
	some m in mounts
	is_string(m.mountPath)
	object.get(m, "readOnly", false) != true
	within(dir, m.mountPath)
	some v in volumes
	v.name == m.name
	is_object(v.emptyDir)
}

within(dir, path) if dir == path

within(dir, path) if startswith(dir, concat("", [trim_suffix(path, "/"), "/"]))
