// Package policies is floe's policy gate (D-GATE-01..07, `floe check`): the rego
// policies that rendered manifests must pass before anything syncs, an engine that
// compiles them once per process and evaluates an object stream (a long one in parts,
// in parallel, for the rules that judge one object at a time), enforcement levels and
// contract-owned exceptions, and text, JSON and SARIF reports.
//
// Policies live in this directory, one file per concern (`package floe.<concern>`), each
// declaring its rules' metadata in `rules[ID] := {title, severity, remediation}` and its
// findings in `violation contains {"rule": ID, "i": <object index>, "msg": …}` (optional
// "severity" overrides the rule's). Expected values come from data.floe.params, so one
// compiled engine serves every product. Platform bundles (contract `policy.bundles`)
// follow the same convention and are compiled in next to the built-in policies.
//
// Every module, built-in or bundled, compiles with Capabilities: hermetic builtins only
// (no network, process, randomness or host clock; time.now_ns() is the render time,
// Params.Now). Bundles are read within bounds (ContractBundles) and refused, located,
// when they call another builtin; each Check is bounded in time and result size
// (Options), and fails rather than pass when a bound is hit.
package policies
