# Package floe.names: object names are valid DNS names within Kubernetes' limits
# (POL-NAME-01; D-GATE-01).
package floe.names

rules["POL-NAME-01"] := {
	"title": "Object names are valid DNS names",
	"severity": "deny",
	"remediation": "Use lower-case alphanumerics and '-' (names start and end alphanumeric; Services start with a letter); CronJob names are at most 52 characters, other names at most 63.",
}

# grammar gives, per kind, the name pattern, its description and the length limit.
label_63 := [`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, "a DNS-1123 label", 63]

grammar := {
	"Service": [`^[a-z]([-a-z0-9]*[a-z0-9])?$`, "a DNS-1035 label", 63],
	"CronJob": [`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, "a DNS-1123 label", 52],
	"Deployment": label_63, "StatefulSet": label_63, "DaemonSet": label_63,
	"ReplicaSet": label_63, "Job": label_63, "Pod": label_63, "Namespace": label_63,
}

subdomain := [`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, "a DNS-1123 subdomain", 63]

# Names matching `fast` (a DNS-1035 label of at most 52 characters) are valid for
# every kind; only the others are examined in detail.
fast := `^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$`

violation contains {"rule": "POL-NAME-01", "i": i, "msg": msg} if {
	some i, o in input.objects
	name := object.get(o.object, ["metadata", "name"], "")
	not regex.match(fast, name)
	some msg in name_problems(o.object.kind, name)
}

name_problems(kind, name) := ["has no metadata.name"] if {
	name in {"", null}
} else := array.concat(
	[sprintf("name %q is not %s", [name, what]) |
		[re, what, _] := object.get(grammar, kind, subdomain)
		not regex.match(re, name)
	],
	[sprintf("name %q is %d characters long (at most %d for a %s)", [name, count(name), max, kind]) |
		[_, _, max] := object.get(grammar, kind, subdomain)
		count(name) > max
	],
)
