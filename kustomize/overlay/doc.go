// Package overlay applies the contract's platform overlays: root-relative kustomize
// directories applied, in order, to the rendered objects after the chart render and before
// the telemetry filters and the policy gate.
//
// Each overlay is built in process with the kustomize API (krusty) on an in-memory
// filesystem that floe fills, the way Flux's helm-controller post-renders:
//
//	/_floe/rendered/kustomization.yaml   resources: [rendered.yaml]   (generated)
//	/_floe/rendered/rendered.yaml        the objects given to Apply
//	/_floe/components/<name>/…           floe's own components (go:embed of components/)
//	/_floe/r/floed0/floed1/…             the overlay's kustomizations and the files they
//	                                     reference, under names floe generates
//
// floe injects the base: the overlay's kustomization lists only what changes (patches,
// components, labels, images, replacements, …) and floe inserts the rendered objects as
// its first resource. Components shipped with floe are referenced as `floe:<name>`
// (`components: [floe:data-nodes]`).
//
// Safe by construction: kustomize never sees a string a repository wrote where it expects
// a path. Every kustomization is decoded the way krusty decodes it (types.Kustomization's
// Unmarshal, case-insensitive keys, then FixKustomization), every path-bearing field of
// the typed value is resolved inside the root and replaced by the generated in-memory path
// of what it names, and the typed value is written back re-marshalled. Generated names are
// made of [a-z0-9] only ("floed<n>" directories, "floef<n>" files), so no reference floe
// writes can be read by kustomize as a URL (http GET) or a git repository (git clone).
// Builtin plugin configurations (generators, transformers, validators) are decoded into
// kustomize's builtin types, their paths rewritten the same way, and written back inline;
// KRM functions, exec plugins, Helm inflation and custom OpenAPI schemas are refused.
// Reads are bounded (files, bytes, reference depth, YAML alias expansion), never touch a
// .git directory and stop when the context is cancelled.
package overlay
