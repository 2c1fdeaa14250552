# Package floe.cronjob: scheduled product runs never overlap and follow the product's
# schedule (POL-CJ-01; D-IN-05, D-RND-08).
package floe.cronjob

import data.floe.lib

rules["POL-CJ-01"] := {
	"title": "CronJobs forbid concurrent runs and follow the product schedule",
	"severity": "deny",
	"remediation": "Set spec.concurrencyPolicy: Forbid, a five-field numeric cron schedule, spec.timeZone to schedule.timezone and spec.suspend to the opposite of schedule.enabled.",
}

cronjobs := [[i, input.objects[i].object] | some i in lib.objects_of_kind("CronJob")]

violation contains {"rule": "POL-CJ-01", "i": i, "msg": msg} if {
	some [i, cj] in cronjobs
	got := object.get(cj, ["spec", "concurrencyPolicy"], "Allow")
	got != "Forbid"
	msg := sprintf("concurrencyPolicy is %s (want Forbid)", [got])
}

violation contains {"rule": "POL-CJ-01", "i": i, "msg": msg} if {
	some [i, cj] in cronjobs
	s := object.get(cj, ["spec", "schedule"], "")
	not valid_cron(s)
	msg := sprintf("schedule %q is not a five-field numeric cron expression", [s])
}

violation contains {"rule": "POL-CJ-01", "i": i, "msg": msg} if {
	want := data.floe.params.schedule.timezone
	want != ""
	some [i, cj] in cronjobs
	got := object.get(cj, ["spec", "timeZone"], "")
	got != want
	msg := sprintf("timeZone is %q (want %q)", [got, want])
}

violation contains {"rule": "POL-CJ-01", "i": i, "msg": msg} if {
	enabled := data.floe.params.schedule.enabled
	is_boolean(enabled)
	some [i, cj] in cronjobs
	got := object.get(cj, ["spec", "suspend"], false)
	got != not_(enabled)
	msg := sprintf("suspend is %v (want %v: schedule.enabled is %v)", [got, not_(enabled), enabled])
}

not_(b) := false if b == true

not_(b) := true if b == false

# valid_cron follows D-IN-05: five fields of *, N, N-M, lists and /step; numeric ranges
# minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6; no names, no macros.
bounds := [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]]

valid_cron(s) if {
	is_string(s)
	fields := split(regex.replace(trim_space(s), `\s+`, " "), " ")
	count(fields) == 5
	every k, f in fields {
		every item in split(f, ",") {
			valid_item(item, bounds[k])
		}
	}
}

valid_item(item, b) if {
	[[_, _, lo, hi, step]] := regex.find_all_string_submatch_n(`^(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?$`, item, 1)
	in_range(lo, b)
	in_range(hi, b)
	ordered(lo, hi)
	step_ok(step)
}

in_range(s, _) if s == ""

in_range(s, b) if {
	s != ""
	n := to_number(s)
	n >= b[0]
	n <= b[1]
}

ordered(_, hi) if hi == ""

ordered(lo, hi) if {
	hi != ""
	to_number(lo) <= to_number(hi)
}

step_ok(s) if s == ""

step_ok(s) if {
	s != ""
	to_number(s) >= 1
}
