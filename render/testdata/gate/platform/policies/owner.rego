# A platform rule shipped in the contract's policy.bundles: every workload names a team.
package floe.platform_owner

import rego.v1

rules["ACME-OWN-01"] := {
	"title": "Workloads carry a team label",
	"severity": "warn",
	"remediation": "Add the label acme.example.com/team through a platform overlay.",
}

violation contains {"rule": "ACME-OWN-01", "i": i, "msg": sprintf("%s has no acme.example.com/team label", [obj.kind])} if {
	some i, o in input.objects
	obj := o.object
	obj.kind in {"CronJob", "Job", "Deployment"}
	not obj.metadata.labels["acme.example.com/team"]
}
