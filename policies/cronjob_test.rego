package floe.cronjob_test

import data.floe.testlib as t

with_spec(field, value) := t.patched(t.cronjob, concat("/", ["/spec", field]), value)

test_pol_cj_01_pass_forbid_and_schedule if {
	not "POL-CJ-01" in t.fired(t.good, t.params)
}

test_pol_cj_01_pass_cron_grammar if {
	every s in ["*/10 * * * *", "0 0 1 1 0", "59 23 31 12 6", "0,30 8-18/2 * 1-6 1-5", "  5  4 * * *  "] {
		not "POL-CJ-01" in t.fired([with_spec("schedule", s)], object.remove(t.params, ["schedule"]))
	}
}

test_pol_cj_01_fail_concurrency if {
	t.messages("POL-CJ-01", [with_spec("concurrencyPolicy", "Allow")], t.params) == {"concurrencyPolicy is Allow (want Forbid)"}
}

test_pol_cj_01_fail_concurrency_default if {
	cj := t.removed(t.cronjob, "/spec/concurrencyPolicy")
	t.messages("POL-CJ-01", [cj], t.params) == {"concurrencyPolicy is Allow (want Forbid)"}
}

test_pol_cj_01_fail_bad_schedules if {
	every s in ["@daily", "0 6 * * MON", "60 * * * *", "* * * *", "0 0 0 * *", "5-1 * * * *", "*/0 * * * *", "0 0 * * * *"] {
		t.messages("POL-CJ-01", [with_spec("schedule", s)], object.remove(t.params, ["schedule"])) == {sprintf("schedule %q is not a five-field numeric cron expression", [s])}
	}
}

test_pol_cj_01_fail_timezone_and_suspend if {
	cj := json.patch(t.cronjob, [
		{"op": "remove", "path": "/spec/timeZone"},
		{"op": "replace", "path": "/spec/suspend", "value": true},
	])
	t.messages("POL-CJ-01", [cj], t.params) == {
		`timeZone is "" (want "Europe/Berlin")`,
		"suspend is true (want false: schedule.enabled is true)",
	}
}
