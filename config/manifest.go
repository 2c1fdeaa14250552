package config

import (
	"fmt"
	"path"
	"reflect"
	"strings"

	"github.com/floe-dev/floe/diag"
)

var manifestType = reflect.TypeOf(Manifest{})

// maxChain bounds how many parent links are followed before giving up (cycles are
// reported as E203 before that).
const maxChain = 4

// LoadManifest loads a platform Manifest and resolves its inheritance (D-IN-10,
// D-IN-11). parent_manifest is a local path relative to the directory of the manifest that
// names it (like floe.yaml's platform.manifest); OCI references are refused. The result
// is the effective manifest: for scope domain, the enterprise parent merged under it
// (plugins child-over-parent per category; governance field-wise stricter wins;
// observability, resource_presets and defaults child-over-parent per key; artifacts
// child's if set). approved_plugins and approved_sinks come from the enterprise,
// approved_products from the domain. Chain holds the loaded manifests, enterprise first.
// The manifest is nil when the list holds errors.
func LoadManifest(root Root, rel string) (*Manifest, diag.List) {
	m, ds := loadManifest(root, rel)
	ds = finish(ds)
	if ds.HasErrors() {
		return nil, ds
	}
	return m, ds
}

func loadManifestFile(root Root, rel string) (*Manifest, diag.List) {
	src, ds := readSource(root, rel)
	if src == nil {
		return nil, ds
	}
	if ds := wrongKind(src, KindManifest, "the platform Manifest reference"); ds != nil {
		return nil, ds
	}
	m := &Manifest{Source: src}
	d := newDecoder(src.Path)
	d.rootUnknown = manifestRootUnknown(d)
	d.decodeDoc(src.Node, m)
	ck := newChecker(src, d.bad)
	validateManifest(ck, m)
	return m, append(d.diags, ck.diags...)
}

func manifestErr(m *Manifest, p, format string, args ...any) diag.Diagnostic {
	line, col := m.Source.Pos(p)
	return diag.Diagnostic{File: m.Source.Path, Line: line, Col: col, Path: p, Message: fmt.Sprintf(format, args...)}
}

func loadManifest(root Root, rel string) (*Manifest, diag.List) {
	m, all := loadManifestFile(root, rel)
	if m == nil || all.HasErrors() {
		return m, all
	}
	chain := []*Manifest{m}
	visited := []string{m.Source.Path}
	cur := m
	for cur.ParentManifest != "" {
		ref := cur.ParentManifest
		if isOCI(ref) || strings.Contains(ref, "://") {
			all = append(all, manifestErr(cur, "parent_manifest", "OCI manifests are not fetched; use a git path (relative to %s)", path.Dir(cur.Source.Path)))
			return nil, all
		}
		prel, err := JoinRel(path.Dir(cur.Source.Path), ref)
		if err != nil {
			all = append(all, manifestErr(cur, "parent_manifest", "%v", err))
			return nil, all
		}
		for _, v := range visited {
			if v == prel {
				all = append(all, manifestErr(cur, "parent_manifest", "E203: Circular inheritance detected: %s → %s", strings.Join(visited, " → "), prel))
				return nil, all
			}
		}
		if len(chain) >= maxChain {
			all = append(all, manifestErr(cur, "parent_manifest", "inheritance chain longer than %d manifests", maxChain))
			return nil, all
		}
		parent, ds := loadManifestFile(root, prel)
		all = append(all, ds...)
		if parent == nil || ds.HasErrors() {
			if parent == nil {
				all = append(all, manifestErr(cur, "parent_manifest", "cannot load parent manifest %s", prel))
			}
			return nil, all
		}
		if cur.Scope == "domain" && parent.Scope != "enterprise" {
			all = append(all, manifestErr(cur, "parent_manifest", "parent manifest %s has scope=%s; a domain manifest's parent must have scope: enterprise", prel, pyRepr(parent.Scope)))
		}
		visited = append(visited, prel)
		chain = append([]*Manifest{parent}, chain...)
		cur = parent
	}
	if all.HasErrors() {
		return nil, all
	}
	if len(chain) == 1 {
		m.Chain = chain
		return m, all
	}
	ent, dom := chain[0], chain[1]
	all = append(all, checkWhitelist(ent, dom)...)
	all = append(all, checkNotWeakened(ent, dom)...)
	eff, ds := mergeManifests(ent, dom)
	all = append(all, ds...)
	eff.Chain = chain
	return eff, all
}

// checkWhitelist applies enterprise approved_plugins to the domain's selections.
func checkWhitelist(ent, dom *Manifest) diag.List {
	var out diag.List
	for _, cat := range pluginCategories(&dom.Plugins) {
		approved, ok := ent.ApprovedPlugins[cat.Name]
		if !ok || cat.Sel == nil {
			continue
		}
		if !oneOf(cat.Sel.Type, approved...) {
			out = append(out, manifestErr(dom, "plugins."+cat.Name+".type",
				"Plugin '%s' is not in the approved whitelist for category '%s'. Approved plugins: [%s]", cat.Sel.Type, cat.Name, strings.Join(approved, ", ")))
		}
	}
	return out
}

// strength orders enum policy values; higher is stricter.
var strength = map[string]map[string]int{
	"pii_encryption":           {"optional": 1, "required": 2},
	"audit_logging":            {"disabled": 1, "enabled": 2},
	"policy_enforcement_level": {"off": 1, "warn": 2, "strict": 3},
	"naming.enforcement":       {"off": 1, "warn": 2, "strict": 3},
}

// govField is one comparable governance field of a parent and a child.
type govField struct {
	name         string
	parent, kid  string // enum values, or "" when unset
	pnum, knum   *float64
	pbool, kbool *bool
}

func govFields(p, k *Governance) []govField {
	fl := func(i *int) *float64 {
		if i == nil {
			return nil
		}
		f := float64(*i)
		return &f
	}
	fs := []govField{
		{name: "pii_encryption", parent: p.PIIEncryption, kid: k.PIIEncryption},
		{name: "audit_logging", parent: p.AuditLogging, kid: k.AuditLogging},
		{name: "policy_enforcement_level", parent: p.PolicyEnforcementLevel, kid: k.PolicyEnforcementLevel},
		{name: "data_retention_days", pnum: fl(p.DataRetentionDays), knum: fl(k.DataRetentionDays)},
	}
	if p.Naming != nil && k.Naming != nil {
		fs = append(fs, govField{name: "naming.enforcement", parent: p.Naming.Enforcement, kid: k.Naming.Enforcement})
	}
	if pq, kq := p.QualityGates, k.QualityGates; pq != nil && kq != nil {
		fs = append(fs,
			govField{name: "quality_gates.minimum_test_coverage", pnum: pq.MinimumTestCoverage, knum: kq.MinimumTestCoverage},
			govField{name: "quality_gates.require_descriptions", pbool: pq.RequireDescriptions, kbool: kq.RequireDescriptions},
			govField{name: "quality_gates.require_column_descriptions", pbool: pq.RequireColumnDescriptions, kbool: kq.RequireColumnDescriptions},
			govField{name: "quality_gates.block_on_failure", pbool: pq.BlockOnFailure, kbool: kq.BlockOnFailure},
		)
		if pl, kl := pq.LayerThresholds, kq.LayerThresholds; pl != nil && kl != nil {
			fs = append(fs,
				govField{name: "quality_gates.layer_thresholds.bronze", pnum: pl.Bronze, knum: kl.Bronze},
				govField{name: "quality_gates.layer_thresholds.silver", pnum: pl.Silver, knum: kl.Silver},
				govField{name: "quality_gates.layer_thresholds.gold", pnum: pl.Gold, knum: kl.Gold},
			)
		}
	}
	return fs
}

// cmp compares child with parent: -1 weaker, 0 equal or not comparable, +1 stricter.
func (f govField) cmp() int {
	switch {
	case f.parent != "" && f.kid != "":
		s := strength[f.name]
		return sign(s[f.kid] - s[f.parent])
	case f.pnum != nil && f.knum != nil:
		return sign(int(*f.knum*1000) - int(*f.pnum*1000))
	case f.pbool != nil && f.kbool != nil:
		return sign(b2i(*f.kbool) - b2i(*f.pbool))
	}
	return 0
}

func (f govField) values() (string, string) {
	switch {
	case f.pnum != nil:
		return fmt.Sprint(*f.pnum), fmt.Sprint(*f.knum)
	case f.pbool != nil:
		return pyBool(*f.pbool), pyBool(*f.kbool)
	}
	return f.parent, f.kid
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func sign(i int) int {
	switch {
	case i < 0:
		return -1
	case i > 0:
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkNotWeakened applies Floe's security non-weakening rule to domain vs enterprise.
func checkNotWeakened(ent, dom *Manifest) diag.List {
	if ent.Governance == nil || dom.Governance == nil {
		return nil
	}
	var out diag.List
	for _, f := range govFields(ent.Governance, dom.Governance) {
		if f.cmp() < 0 {
			pv, kv := f.values()
			out = append(out, manifestErr(dom, "governance."+f.name,
				"Cannot weaken security policy '%s' from '%s' to '%s'. Child manifests can only maintain or strengthen parent policies.", f.name, pv, kv))
		}
	}
	return out
}

// mergeManifests builds the effective manifest of a domain under its enterprise.
func mergeManifests(ent, dom *Manifest) (*Manifest, diag.List) {
	eff := *dom
	eff.Plugins = dom.Plugins
	pe, pd := reflect.ValueOf(&eff.Plugins).Elem(), reflect.ValueOf(ent.Plugins)
	for i := 0; i < pe.NumField(); i++ {
		if pe.Field(i).IsNil() {
			pe.Field(i).Set(pd.Field(i))
		}
	}
	var warns diag.List
	eff.Governance, warns = mergeGovernance(ent.Governance, dom)
	eff.ApprovedPlugins = ent.ApprovedPlugins
	eff.ApprovedSinks = ent.ApprovedSinks
	eff.ApprovedProducts = dom.ApprovedProducts
	eff.Defaults = mergeMap(ent.Defaults, dom.Defaults)
	eff.ResourcePresets = mergeMap(ent.ResourcePresets, dom.ResourcePresets)
	if eff.Artifacts == nil {
		eff.Artifacts = ent.Artifacts
	}
	switch {
	case dom.Observability == nil:
		eff.Observability = ent.Observability
	case ent.Observability != nil:
		o := *dom.Observability
		if o.Tracing == nil {
			o.Tracing = ent.Observability.Tracing
		}
		if o.Lineage == nil {
			o.Lineage = ent.Observability.Lineage
		}
		if o.Logging == nil {
			o.Logging = ent.Observability.Logging
		}
		eff.Observability = &o
	}
	return &eff, warns
}

func mergeMap[V any](parent, child map[string]V) map[string]V {
	if parent == nil {
		return child
	}
	if child == nil {
		return parent
	}
	out := make(map[string]V, len(parent)+len(child))
	for k, v := range parent {
		out[k] = v
	}
	for k, v := range child {
		out[k] = v
	}
	return out
}

// mergeGovernance keeps the enterprise block and takes the stricter value of every
// comparable field (a deviation from Floe, which drops the child's stricter values: each
// such case is reported as a warning). Non-comparable fields: enterprise value when set,
// else the domain's.
func mergeGovernance(pg *Governance, dom *Manifest) (*Governance, diag.List) {
	kg := dom.Governance
	if pg == nil {
		return kg, nil
	}
	if kg == nil {
		return pg, nil
	}
	g := *pg
	if g.Naming != nil {
		n := *g.Naming
		g.Naming = &n
	} else {
		g.Naming = kg.Naming
	}
	if g.QualityGates != nil {
		q := *g.QualityGates
		if q.LayerThresholds != nil {
			lt := *q.LayerThresholds
			q.LayerThresholds = &lt
		} else if kg.QualityGates != nil {
			q.LayerThresholds = kg.QualityGates.LayerThresholds
		}
		g.QualityGates = &q
	} else {
		g.QualityGates = kg.QualityGates
	}
	var warns diag.List
	for _, f := range govFields(pg, kg) {
		if f.cmp() <= 0 {
			continue
		}
		pv, kv := f.values()
		setGov(&g, f)
		d := manifestErr(dom, "governance."+f.name, "D-IN-19: domain value %s is stricter than the enterprise value %s; floe keeps the stricter value (Floe itself would keep %s)", kv, pv, pv)
		d.Severity = diag.Warning
		warns = append(warns, d)
	}
	// fields the enterprise leaves unset come from the domain
	if g.PIIEncryption == "" {
		g.PIIEncryption = kg.PIIEncryption
	}
	if g.AuditLogging == "" {
		g.AuditLogging = kg.AuditLogging
	}
	if g.PolicyEnforcementLevel == "" {
		g.PolicyEnforcementLevel = kg.PolicyEnforcementLevel
	}
	if g.DataRetentionDays == nil {
		g.DataRetentionDays = kg.DataRetentionDays
	}
	if g.DefaultTTLHours == nil {
		g.DefaultTTLHours = kg.DefaultTTLHours
	}
	if g.SnapshotKeepLast == nil {
		g.SnapshotKeepLast = kg.SnapshotKeepLast
	}
	if g.StaleTableRecoveryMode == "" {
		g.StaleTableRecoveryMode = kg.StaleTableRecoveryMode
	}
	if g.CustomRules == nil {
		g.CustomRules = kg.CustomRules
	}
	if g.PolicyOverrides == nil {
		g.PolicyOverrides = kg.PolicyOverrides
	}
	if g.DataContracts == nil {
		g.DataContracts = kg.DataContracts
	}
	if g.RBAC == nil {
		g.RBAC = kg.RBAC
	}
	if g.SecretScanning == nil {
		g.SecretScanning = kg.SecretScanning
	}
	if g.NetworkPolicies == nil {
		g.NetworkPolicies = kg.NetworkPolicies
	}
	if g.Policies == nil {
		g.Policies = kg.Policies
	}
	return &g, warns
}

// setGov stores the child's (stricter) value of f into g.
func setGov(g *Governance, f govField) {
	switch f.name {
	case "pii_encryption":
		g.PIIEncryption = f.kid
	case "audit_logging":
		g.AuditLogging = f.kid
	case "policy_enforcement_level":
		g.PolicyEnforcementLevel = f.kid
	case "data_retention_days":
		v := int(*f.knum)
		g.DataRetentionDays = &v
	case "naming.enforcement":
		g.Naming.Enforcement = f.kid
	case "quality_gates.minimum_test_coverage":
		g.QualityGates.MinimumTestCoverage = f.knum
	case "quality_gates.require_descriptions":
		g.QualityGates.RequireDescriptions = f.kbool
	case "quality_gates.require_column_descriptions":
		g.QualityGates.RequireColumnDescriptions = f.kbool
	case "quality_gates.block_on_failure":
		g.QualityGates.BlockOnFailure = f.kbool
	case "quality_gates.layer_thresholds.bronze":
		g.QualityGates.LayerThresholds.Bronze = f.knum
	case "quality_gates.layer_thresholds.silver":
		g.QualityGates.LayerThresholds.Silver = f.knum
	case "quality_gates.layer_thresholds.gold":
		g.QualityGates.LayerThresholds.Gold = f.knum
	}
}
