# Package floe.resources: every container states cpu and memory requests and limits
# (POL-SEC-06, resource presets D-RND-11).
package floe.resources

import data.floe.lib

rules["POL-SEC-06"] := {
	"title": "Containers set cpu and memory requests and limits",
	"severity": "deny",
	"remediation": "Set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and resources.limits.memory on every container (the Manifest's resource preset gives the values).",
}

wanted := [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]]

violation contains {"rule": "POL-SEC-06", "i": x.i, "msg": msg} if {
	some x in lib.containers
	x.field != "ephemeralContainers"
	missing := missing_resources(object.get(x.c, "resources", {}))
	count(missing) > 0
	msg := sprintf("%s: resources missing %s", [lib.label(x.field, x.name), concat(", ", missing)])
}

# missing_resources lists the unset entries of a resources block (cached per block:
# a product's containers share their preset).
missing_resources(res) := [concat(".", path) |
	some path in wanted
	object.get(lib.object_or(res), path, "") in {"", null}
]
