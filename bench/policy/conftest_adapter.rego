# Adapter that runs floe's own policies (policies/*.rego, copied next to this file by
# bench/policy.sh) under conftest: conftest queries deny/warn in package main, floe's
# packages floe.<concern> produce `violation` sets over input.objects.
#
# conftest evaluates each document on its own (input = the document) unless --combine
# is given (input = [{"path", "contents"}]); both shapes become {"objects": [...]}.
# The parameters come from `--data params.json` at data.floe.params, as in floe.
package main

objects := [{"object": d, "file": f.path} | some f in input; some d in docs(f.contents)] if is_array(input)

objects := [{"object": input}] if is_object(input)

docs(c) := c if is_array(c)

docs(c) := [c] if is_object(c)

findings contains [severity(pkg, v), v] if {
	some pkg
	some v in data.floe[pkg].violation with input as {"objects": objects}
}

severity(_, v) := v.severity

severity(pkg, v) := data.floe[pkg].rules[v.rule].severity if not v.severity

label(v) := sprintf("%s %s/%s: %s", [v.rule, o.kind, object.get(o, ["metadata", "name"], ""), v.msg]) if {
	o := objects[v.i].object
}

deny contains label(v) if some ["deny", v] in findings

warn contains label(v) if some ["warn", v] in findings
