# Adapter for `conftest test --combine`: runs floe's own policies (policies/*.rego,
# copied beside this file by bench/peers.sh) over conftest's combined input, so conftest
# evaluates exactly the rules the floe gate evaluates. conftest gives
# [{path, contents}] (contents: the file's documents); floe's policies read
# input.objects [{object, file, line, doc}] and data.floe.params (conftest --data).
package main

import rego.v1

objects := [{"object": d, "file": f.path, "line": 0, "doc": i} |
	some f in input
	some i, d in documents(f.contents)
]

documents(c) := c if is_array(c)

documents(c) := [c] if is_object(c)

violations := [v |
	some v in data.floe[_].violation with input as {"objects": objects, "params": data.floe.params}
]

deny contains msg if {
	some v in violations
	msg := sprintf("%s: %s", [v.rule, v.msg])
}
