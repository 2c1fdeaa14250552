# Package floe.rootfs: containers run with a read-only root filesystem (POL-SEC-04).
package floe.rootfs

import data.floe.lib

rules["POL-SEC-04"] := {
	"title": "Containers have a read-only root filesystem",
	"severity": "deny",
	"remediation": "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the program writes (/tmp, dbt target/ and logs/). A reviewed exception is the annotation floe.dev/waiver-readonly-rootfs: <reason> on the workload or its pod template, which turns this into a warning.",
}

waiver_key := "floe.dev/waiver-readonly-rootfs"

violation contains v if {
	some x in lib.containers
	x.field != "ephemeralContainers"
	object.get(lib.object_or(x.csc), "readOnlyRootFilesystem", null) != true
	v := finding(x.i, lib.label(x.field, x.name), waiver(x.meta, input.objects[x.i].object.metadata))
}

finding(i, label, "") := {"rule": "POL-SEC-04", "i": i, "msg": sprintf("%s: readOnlyRootFilesystem is not true", [label])}

finding(i, label, reason) := {
	"rule": "POL-SEC-04", "i": i, "severity": "warn",
	"msg": sprintf("%s: readOnlyRootFilesystem is not true (waived: %s)", [label, reason]),
} if reason != ""

# waiver is the waiver annotation's reason from the pod template, else from the
# workload, else "". It is only evaluated for failing containers.
waiver(template_meta, meta) := reason if {
	reason := template_meta.annotations[waiver_key]
	is_string(reason)
	reason != ""
} else := reason if {
	reason := meta.annotations[waiver_key]
	is_string(reason)
	reason != ""
} else := ""
