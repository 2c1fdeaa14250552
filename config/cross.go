package config

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/floe-dev/floe/diag"
)

// pecCategories maps PEC plugin keys to Manifest categories (D-IN-02).
var pecCategories = []struct{ pec, manifest string }{
	{"orchestrator", "orchestrator"}, {"catalog", "catalog"}, {"storage", "storage"},
	{"telemetryBackend", "telemetry_backend"}, {"lineageBackend", "lineage_backend"},
}

// pecAliases expands PEC vocabulary to Manifest plugin types (D-IN-02).
var pecAliases = map[string][]string{"s3-compatible": {"s3", "minio"}}

// supports reports whether manifest type t is in a PEC supported list, with aliasing.
func supports(list []string, t string) bool {
	for _, s := range list {
		if s == t || oneOf(t, pecAliases[s]...) {
			return true
		}
	}
	return false
}

func locate(src *Source, p string, sev diag.Severity, format string, args ...any) diag.Diagnostic {
	line, col := src.Pos(p)
	return diag.Diagnostic{File: src.Path, Line: line, Col: col, Path: p, Message: fmt.Sprintf(format, args...), Severity: sev}
}

// manifestSel returns the Manifest selection of a category and the source that set it.
func manifestSel(m *Manifest, cat string) (*PluginSelection, *Source) {
	for _, c := range pluginCategories(&m.Plugins) {
		if c.Name != cat || c.Sel == nil {
			continue
		}
		// in a resolved chain, find the manifest that set it (child first)
		for i := len(m.Chain) - 1; i >= 0; i-- {
			for _, cc := range pluginCategories(&m.Chain[i].Plugins) {
				if cc.Name == cat && cc.Sel == c.Sel {
					return c.Sel, m.Chain[i].Source
				}
			}
		}
		return c.Sel, m.Source
	}
	return nil, m.Source
}

// crossCheck runs X-01…X-04 and X-06 (D-IN-13) on loaded documents.
func crossCheck(in *Inputs, contractOK, manifestOK bool) diag.List {
	var out diag.List
	p, k, m := in.Product, in.Contract, in.Manifest
	psrc := p.Source

	// platform.manifest stays in root and should name the contract's manifest.
	if p.Platform != nil && p.Platform.Manifest != "" {
		ref := p.Platform.Manifest
		if isOCI(ref) {
			if contractOK && k.Environment.PlatformManifest.Source == "git" {
				out = append(out, locate(psrc, "platform.manifest", diag.Warning,
					"X-01: names %s but the contract's platform manifest is %s (git); the contract wins", ref, k.Environment.PlatformManifest.Path))
			} else if contractOK && ref != k.Environment.PlatformManifest.OCIRef {
				out = append(out, locate(psrc, "platform.manifest", diag.Warning,
					"X-01: names %s but the contract names %s; the contract wins", ref, k.Environment.PlatformManifest.OCIRef))
			}
		} else if rel, err := JoinRel(in.ProductDir, ref); err != nil {
			out = append(out, locate(psrc, "platform.manifest", diag.Error, "%v", err))
		} else {
			if isDir, serr := in.Root.Stat(rel); serr != nil && errors.Is(serr, ErrOutsideRoot) {
				out = append(out, locate(psrc, "platform.manifest", diag.Error, "%v", serr))
			} else if contractOK && k.Environment.PlatformManifest.Source == "git" {
				if want, _ := CleanRel(k.Environment.PlatformManifest.Path); want != rel {
					out = append(out, locate(psrc, "platform.manifest", diag.Warning,
						"X-01: resolves to %s but the contract's platform manifest is %s; the contract wins", rel, want))
				}
			} else if !contractOK && serr != nil {
				out = append(out, locate(psrc, "platform.manifest", diag.Error, "%v", serr))
			} else if !contractOK && isDir {
				out = append(out, locate(psrc, "platform.manifest", diag.Error, "%s is a directory, not a manifest file", rel))
			}
		}
	}

	if !manifestOK {
		return out
	}

	out = append(out, platformCheck(k, m, contractOK)...)

	// X-04 / D-IN-12: transform compute approval.
	out = append(out, checkCompute(in, contractOK)...)

	// approved_products; approved_sinks for destinations.
	if m.ApprovedProducts != nil && !oneOf(p.Metadata.Name, m.ApprovedProducts...) {
		src := m.Source
		for _, c := range m.Chain {
			if c.Scope == "domain" {
				src = c.Source
			}
		}
		d := locate(psrc, "metadata.name", diag.Error, "X-06: product %s is not in approved_products of %s: [%s]", show(p.Metadata.Name), src.Path, strings.Join(m.ApprovedProducts, ", "))
		out = append(out, d)
	}
	if m.ApprovedSinks != nil {
		for i, d := range p.Destinations {
			if !oneOf(d.SinkType, m.ApprovedSinks...) {
				out = append(out, locate(psrc, fmt.Sprintf("destinations[%d].sink_type", i), diag.Error,
					"Sink type '%s' is not in the approved sinks: [%s]", diag.Excerpt(d.SinkType), strings.Join(m.ApprovedSinks, ", ")))
			}
		}
	}
	return out
}

// ComputeApproval returns D-IN-12's approved set A and the default compute of in: contract
// approved names, else enterprise approved_plugins.compute, else the manifest's compute
// type and defaults.compute. def is "" when neither defaults.compute nor a compute plugin
// is set.
func ComputeApproval(in *Inputs) (approved []string, def string) {
	m := in.Manifest
	if m != nil {
		def = m.Defaults["compute"]
		if def == "" && m.Plugins.Compute != nil {
			def = m.Plugins.Compute.Type
		}
	}
	switch {
	case in.Contract != nil && in.Contract.Plugins.Compute != nil && len(in.Contract.Plugins.Compute.Approved) > 0:
		approved = approvedNames(in.Contract.Plugins.Compute)
	case m != nil && m.ApprovedPlugins["compute"] != nil:
		approved = append(approved, m.ApprovedPlugins["compute"]...)
	case m != nil:
		if m.Plugins.Compute != nil {
			approved = append(approved, m.Plugins.Compute.Type)
		}
		if d := m.Defaults["compute"]; d != "" && !oneOf(d, approved...) {
			approved = append(approved, d)
		}
	}
	return approved, def
}

func checkCompute(in *Inputs, contractOK bool) diag.List {
	var out diag.List
	p, m := in.Product, in.Manifest
	approved, def := ComputeApproval(in)
	if def == "" {
		if m.Plugins.Compute == nil {
			return nil // reported as E201 Required plugin 'compute'
		}
		return append(out, locate(m.Source, "plugins", diag.Error, "E201: No default compute target available"))
	}
	from := "the platform manifest"
	if contractOK && in.Contract.Plugins.Compute != nil {
		from = "contract " + in.Contract.Source.Path
	}
	sorted := append([]string(nil), approved...)
	sort.Strings(sorted)
	list := strings.Join(sorted, ", ")
	if !oneOf(def, approved...) {
		p := "defaults.compute"
		if m.Defaults["compute"] == "" {
			p = "plugins.compute.type"
		}
		out = append(out, locate(m.Source, p, diag.Error, "E204: Compute target not in approved plugins: '%s' is not approved by %s (approved: [%s])", def, from, list))
	}
	pluginType := ""
	if m.Plugins.Compute != nil {
		pluginType = m.Plugins.Compute.Type
	}
	for i, t := range p.Transforms {
		if t.Compute == "" {
			continue
		}
		cp := fmt.Sprintf("transforms[%d].compute", i)
		if !oneOf(t.Compute, approved...) {
			out = append(out, locate(p.Source, cp, diag.Error, "E204: Compute target not in approved plugins: '%s' is not approved by %s (approved: [%s])", diag.Excerpt(t.Compute), from, list))
		} else if t.Compute != pluginType {
			out = append(out, locate(p.Source, cp, diag.Warning, "D-IN-12: per-transform compute override is not executable in this Floe version (single dbt profile): %s differs from plugins.compute %s", show(t.Compute), show(pluginType)))
		}
	}
	return out
}

// Runtime budgets: the CronJob name P-dbt must stay ≤ 52 characters (D-IN-14).
const (
	maxCronJobName     = 52
	maxFloeJobsProduct = maxCronJobName - len("-dbt")
)

// ValidateRuntime applies the render-path rules to loaded inputs: X-05 (dagster needs
// the dagster orchestrator), D-IN-14 (dagster needs observability.tracing.endpoint) and the
// floe-jobs name budget (P ≤ 48, D-IN-14). The floe-jobs opt-in of X-05 is the caller's
// decision (an explicit --runtime flag or the contract's recommendedAlphaSpine).
func ValidateRuntime(in *Inputs, runtime string) diag.List {
	var out diag.List
	if in == nil || in.Product == nil {
		return diag.Errorf("", "", "no product loaded")
	}
	p := in.Product
	switch runtime {
	case "dagster":
		m := in.Manifest
		if m == nil {
			out = append(out, locate(p.Source, "platform", diag.Error, "runtime dagster needs a platform manifest (pass --contract)"))
			break
		}
		if sel, src := manifestSel(m, "orchestrator"); sel == nil || sel.Type != "dagster" {
			got := "none"
			if sel != nil {
				got = sel.Type
			}
			out = append(out, locate(src, "plugins.orchestrator.type", diag.Error, "X-05: runtime dagster requires orchestrator dagster, the manifest selects %s", got))
		}
		if m.Observability == nil || m.Observability.Tracing == nil || m.Observability.Tracing.Endpoint == "" {
			src := m.Source
			out = append(out, locate(src, "observability.tracing.endpoint", diag.Error,
				"runtime dagster needs observability.tracing.endpoint; without it Dagster run pods export traces to localhost:4317"))
		}
		if !dnsLabel.MatchString(p.Metadata.Name) {
			out = append(out, locate(p.Source, "metadata.name", diag.Error, "%s cannot name the code-server Service (DNS-1035 label)", show(p.Metadata.Name)))
		}
	case "floe-jobs":
		if n := len(p.Metadata.Name); n > maxFloeJobsProduct {
			out = append(out, locate(p.Source, "metadata.name", diag.Error,
				"is %d characters long; runtime floe-jobs names the CronJob %s-dbt, which must stay within %d characters, so the product name may have at most %d",
				n, p.Metadata.Name, maxCronJobName, maxFloeJobsProduct))
		}
	default:
		out = append(out, diag.Diagnostic{Message: fmt.Sprintf("unknown runtime %q (want dagster or floe-jobs)", runtime)})
	}
	out.Sort()
	return out
}

// ManifestPath is the root-relative path a floe.yaml's platform.manifest names, or ""
// for OCI references and when unset.
func ManifestPath(in *Inputs) string {
	if in.Product == nil || in.Product.Platform == nil || isOCI(in.Product.Platform.Manifest) {
		return ""
	}
	rel, err := JoinRel(in.ProductDir, in.Product.Platform.Manifest)
	if err != nil {
		return ""
	}
	return path.Clean(rel)
}

// platformCheck runs the rules between the contract and the platform Manifest alone
// (X-02, X-03, the preset override, E201): what a platform engineer can check before
// any product exists. With contractOK false only the Manifest's own rules run.
func platformCheck(k *Contract, m *Manifest, contractOK bool) diag.List {
	var out diag.List
	// manifest plugin types within the contract's supported sets.
	if contractOK {
		choices := map[string]*Choice{
			"orchestrator": k.Plugins.Orchestrator, "catalog": k.Plugins.Catalog, "storage": k.Plugins.Storage,
			"telemetryBackend": k.Plugins.TelemetryBackend, "lineageBackend": k.Plugins.LineageBackend,
		}
		for _, pc := range pecCategories {
			ch := choices[pc.pec]
			if ch == nil {
				continue
			}
			sel, msrc := manifestSel(m, pc.manifest)
			if sel == nil {
				if pc.manifest == "orchestrator" {
					continue // E201 below
				}
				what := "the category stays unconfigured"
				if pc.manifest == "telemetry_backend" {
					what = "telemetry goes to the OTel collector only"
				}
				out = append(out, locate(msrc, "plugins", diag.Warning,
					"X-03: the manifest has no plugins.%s while the contract supports [%s]; %s", pc.manifest, strings.Join(ch.AlphaSupported, ", "), what))
				continue
			}
			tp := "plugins." + pc.manifest + ".type"
			if !supports(ch.AlphaSupported, sel.Type) {
				out = append(out, locate(msrc, tp, diag.Error,
					"X-03: %s %s is not supported by contract %s (plugins.%s.alphaSupported: [%s])", pc.manifest, show(sel.Type), k.Source.Path, pc.pec, strings.Join(ch.AlphaSupported, ", ")))
			} else if pc.pec == "orchestrator" && !supports([]string{ch.Default}, sel.Type) {
				out = append(out, locate(msrc, tp, diag.Error,
					"X-02: orchestrator %s differs from the contract's default %s (%s)", show(sel.Type), show(ch.Default), k.Source.Path))
			}
		}
	}

	// D-RND-11: a contract preset override must name a Manifest preset.
	if contractOK && k.Runtime.ResourcePreset != "" {
		if _, ok := m.ResourcePresets[k.Runtime.ResourcePreset]; !ok {
			names := make([]string, 0, len(m.ResourcePresets))
			for n := range m.ResourcePresets {
				names = append(names, n)
			}
			sort.Strings(names)
			out = append(out, locate(k.Source, "runtime.resourcePreset", diag.Error,
				"preset %s is not defined in the platform manifest's resource_presets: [%s]", show(k.Runtime.ResourcePreset), strings.Join(names, ", ")))
		}
	}

	// E201: compilation needs compute and orchestrator.
	for _, cat := range []string{"compute", "orchestrator"} {
		if sel, msrc := manifestSel(m, cat); sel == nil {
			out = append(out, locate(msrc, "plugins", diag.Error, "E201: Required plugin '%s' not found in platform manifest", cat))
		}
	}

	return out
}
