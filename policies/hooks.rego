# Package floe.hooks: Helm test hooks do not belong in GitOps output (POL-HOOK-01).
package floe.hooks

rules["POL-HOOK-01"] := {
	"title": "No Helm test hooks in GitOps output",
	"severity": "warn",
	"remediation": "Render with --skip-tests (floe's post-renderer drops helm.sh/hook: test objects); Argo CD would otherwise apply the test pod as a regular resource.",
}

violation contains {"rule": "POL-HOOK-01", "i": i, "msg": msg} if {
	some i, item in input.objects
	hook := object.get(item.object, ["metadata", "annotations", "helm.sh/hook"], "")
	hook != ""
	is_string(hook)
	some h in split(hook, ",")
	trim_space(h) in {"test", "test-success", "test-failure"}
	msg := sprintf("is a Helm test hook (helm.sh/hook: %s)", [hook])
}
