package floe.names_test

import data.floe.testlib as t

renamed(obj, name) := t.patched(obj, "/metadata/name", name)

test_pol_name_01_pass_valid_names if {
	objs := [
		renamed(t.configmap, "orders.dbt-profiles"),
		renamed(t.cronjob, "a23456789-123456789-123456789-123456789-123456789-12"),
		renamed(t.deployment, "0rders"),
	]
	not "POL-NAME-01" in t.fired(objs, t.params)
}

test_pol_name_01_fail_service_starts_with_digit if {
	t.messages("POL-NAME-01", [renamed(t.service, "0rders")], t.params) == {`name "0rders" is not a DNS-1035 label`}
}

test_pol_name_01_fail_cronjob_too_long if {
	name := "a23456789-123456789-123456789-123456789-123456789-123"
	t.messages("POL-NAME-01", [renamed(t.cronjob, name)], t.params) == {sprintf("name %q is 53 characters long (at most 52 for a CronJob)", [name])}
}

test_pol_name_01_fail_upper_case_and_missing if {
	cm := t.removed(t.configmap, "/metadata/name")
	t.messages("POL-NAME-01", [renamed(t.deployment, "Orders"), cm], t.params) == {
		`name "Orders" is not a DNS-1123 label`,
		"has no metadata.name",
	}
}
