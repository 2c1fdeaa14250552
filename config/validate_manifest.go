package config

import (
	"fmt"
	"net"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/floe-dev/floe/diag"
)

// Manifest enums (D-IN-09).
var (
	scopes            = []string{"enterprise", "domain"}
	piiEncryption     = []string{"required", "optional"}
	auditLogging      = []string{"enabled", "disabled"}
	recoveryModes     = []string{"strict", "repair"}
	namingPatterns    = []string{"medallion", "kimball", "custom"}
	zeroCoverage      = []string{"report_100_percent", "report_na"}
	customRuleTypes   = []string{"require_tags_for_prefix", "require_meta_field", "require_tests_of_type"}
	overrideActions   = []string{"downgrade", "exclude"}
	policyTypes       = []string{"naming", "coverage", "documentation", "semantic", "custom", "data_contract", "rbac", "secret_scanning", "network_policy"}
	govPolicyTypes    = []string{"required_tags", "naming_convention", "max_transforms", "custom"}
	govPolicyActions  = []string{"warn", "error", "block"}
	tracingExporters  = []string{"otlp", "console", "none"}
	lineageTransports = []string{"http", "console", "noop"}
	logLevels         = []string{"DEBUG", "INFO", "WARNING", "ERROR"}
	logFormats        = []string{"json", "text"}
	signatureModes    = []string{"enforce", "warn", "off"}
)

// pyRepr renders a scope as Floe's messages do (Python repr).
func pyRepr(scope string) string {
	if scope == "" {
		return "None"
	}
	return "'" + scope + "'"
}

// manifestRootUnknown warns about unknown root keys (D-IN-18) and rejects environment-specific ones
// with Floe's messages (D-IN-09).
func manifestRootUnknown(d *decoder) func(k *yaml.Node, p string) {
	return func(k *yaml.Node, p string) {
		if manifestEnvKeys[k.Value] {
			d.errAt(k, p, "Environment-specific fields are not allowed in manifests: [%s]. Manifests are environment-agnostic by design. "+
				"Use FLOE_ENV environment variable at runtime to select environment. See quickstart.md for environment resolution patterns.", k.Value)
			return
		}
		msg := fmt.Sprintf("D-IN-18: Unknown fields in manifest will be ignored: ['%s']. This may indicate a newer manifest version or typos.", diag.Excerpt(k.Value))
		if h := closest(k.Value, infoOf(manifestType).names); h != "" {
			msg += fmt.Sprintf(" Did you mean %q?", h)
		}
		d.warnAt(k, p, "%s", msg)
	}
}

func validateManifest(c *checker, m *Manifest) {
	c.literalCredentials()
	c.literal("apiVersion", m.APIVersion, APIVersionFloe)
	c.literal("kind", m.Kind, KindManifest)

	if c.section("metadata") {
		md := m.Metadata
		if c.required("metadata.name", md.Name) {
			c.maxLen("metadata.name", md.Name, 63)
			if c.pattern("metadata.name", md.Name, reManifestName, "a valid manifest name (lower-case letters, digits and '-', not starting or ending with '-')") &&
				reservedManifestNames[strings.ToLower(md.Name)] {
				c.errorf("metadata.name", "%s is a reserved name (default, system, floe, admin, root)", show(md.Name))
			}
		}
		if c.required("metadata.version", md.Version) {
			c.pattern("metadata.version", md.Version, reSemver, "a version MAJOR.MINOR.PATCH")
		}
		c.required("metadata.owner", md.Owner)
		c.maxLen("metadata.description", md.Description, 500)
	}

	scopeOK := c.enum("scope", m.Scope, scopes)
	if scopeOK {
		switch {
		case m.Scope != "domain" && m.ParentManifest != "":
			c.errorf("parent_manifest", "parent_manifest must be None for scope=%s. Only domain-scoped manifests can have a parent.", pyRepr(m.Scope))
		case m.Scope == "domain" && m.ParentManifest == "":
			c.errorf("scope", "parent_manifest is required for scope='domain'. Domain manifests must inherit from an enterprise manifest.")
		}
		if m.ApprovedPlugins != nil && m.Scope != "enterprise" {
			c.errorf("approved_plugins", "approved_plugins is only valid for scope='enterprise', not scope=%s.", pyRepr(m.Scope))
		}
		if m.ApprovedProducts != nil && m.Scope != "domain" {
			c.errorf("approved_products", "approved_products is only valid for scope='domain', not scope=%s.", pyRepr(m.Scope))
		}
		if m.ApprovedSinks != nil && m.Scope != "enterprise" {
			c.errorf("approved_sinks", "approved_sinks is only valid for scope='enterprise', not scope=%s.", pyRepr(m.Scope))
		}
	}
	for cat, list := range m.ApprovedPlugins {
		for i, t := range list {
			c.required(fmt.Sprintf("approved_plugins.%s[%d]", cat, i), t)
		}
	}
	for i, s := range m.ApprovedSinks {
		c.required(fmt.Sprintf("approved_sinks[%d]", i), s)
	}
	for i, s := range m.ApprovedProducts {
		c.required(fmt.Sprintf("approved_products[%d]", i), s)
	}
	for k, v := range m.Defaults {
		c.required("defaults."+k, v)
	}

	if c.section("plugins") {
		c.plugins(&m.Plugins)
	}
	if m.Governance != nil {
		c.governance(m.Governance)
	}
	if m.Artifacts != nil {
		c.artifacts(m.Artifacts)
	}
	if m.Observability != nil {
		c.observability(m.Observability)
	}
	names := make([]string, 0, len(m.ResourcePresets))
	for k := range m.ResourcePresets {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		c.preset("resource_presets."+k, m.ResourcePresets[k])
	}
}

// pluginCategories lists the Manifest plugin categories with their selections.
func pluginCategories(p *ManifestPlugins) []struct {
	Name string
	Sel  *PluginSelection
} {
	return []struct {
		Name string
		Sel  *PluginSelection
	}{
		{"compute", p.Compute}, {"orchestrator", p.Orchestrator}, {"catalog", p.Catalog}, {"storage", p.Storage},
		{"semantic_layer", p.SemanticLayer}, {"ingestion", p.Ingestion}, {"secrets", p.Secrets},
		{"telemetry_backend", p.TelemetryBackend}, {"lineage_backend", p.LineageBackend},
		{"identity", p.Identity}, {"dbt", p.DBT},
	}
}

func (c *checker) plugins(p *ManifestPlugins) {
	for _, cat := range pluginCategories(p) {
		if cat.Sel == nil {
			continue
		}
		base := "plugins." + cat.Name
		s := cat.Sel
		if strings.TrimSpace(s.Type) == "" {
			if c.src.Has(base + ".type") {
				c.errorf(base+".type", "must not be blank")
			} else {
				c.errorf(base+".type", "required field is missing")
			}
		}
		c.pattern(base+".version", s.Version, reSemver, "a version MAJOR.MINOR.PATCH")
		if s.ConnectionSecretRef != "" {
			c.pattern(base+".connection_secret_ref", s.ConnectionSecretRef, reSecretRef, "a Kubernetes Secret name")
			c.maxLen(base+".connection_secret_ref", s.ConnectionSecretRef, 253)
		}
	}
	if q := p.Quality; q != nil {
		c.required("plugins.quality.provider", q.Provider)
		if q.QualityGates != nil {
			c.check("plugins.quality.quality_gates", q.QualityGates, qualityGatesShape)
		}
		for k, w := range q.DimensionWeights {
			c.between("plugins.quality.dimension_weights."+k, w, num(0), nil)
		}
		if q.Thresholds != nil {
			c.check("plugins.quality.thresholds", q.Thresholds, thresholdsShape)
		}
		if q.CheckTimeoutSeconds != nil {
			c.between("plugins.quality.check_timeout_seconds", float64(*q.CheckTimeoutSeconds), num(1), num(3600))
		}
	}
}

func (c *checker) atLeast1(p string, v *int) {
	if v != nil && *v < 1 {
		c.errorf(p, "%d is below the minimum 1", *v)
	}
}

func (c *checker) governance(g *Governance) {
	const b = "governance."
	c.enum(b+"pii_encryption", g.PIIEncryption, piiEncryption)
	c.enum(b+"audit_logging", g.AuditLogging, auditLogging)
	c.enum(b+"policy_enforcement_level", g.PolicyEnforcementLevel, enforcements)
	c.atLeast1(b+"data_retention_days", g.DataRetentionDays)
	c.atLeast1(b+"default_ttl_hours", g.DefaultTTLHours)
	if g.DefaultTTLHours != nil && *g.DefaultTTLHours > 8760 {
		c.errorf(b+"default_ttl_hours", "%d is above 8760: Floe loads it but its compile step fails", *g.DefaultTTLHours)
	}
	c.atLeast1(b+"snapshot_keep_last", g.SnapshotKeepLast)
	if g.SnapshotKeepLast != nil && *g.SnapshotKeepLast > 100 {
		c.errorf(b+"snapshot_keep_last", "%d is above 100: Floe loads it but its compile step fails", *g.SnapshotKeepLast)
	}
	c.enum(b+"stale_table_recovery_mode", g.StaleTableRecoveryMode, recoveryModes)
	if n := g.Naming; n != nil {
		c.enum(b+"naming.enforcement", n.Enforcement, enforcements)
		c.enum(b+"naming.pattern", n.Pattern, namingPatterns)
		if n.Pattern == "custom" && len(n.CustomPatterns) == 0 {
			c.errorf(b+"naming.custom_patterns", "pattern custom needs at least one custom pattern")
		}
		for i, pat := range n.CustomPatterns {
			p := fmt.Sprintf("%snaming.custom_patterns[%d]", b, i)
			if c.required(p, pat) {
				c.pyPattern(p, pat)
			}
		}
	}
	if q := g.QualityGates; q != nil {
		if q.MinimumTestCoverage != nil {
			c.between(b+"quality_gates.minimum_test_coverage", *q.MinimumTestCoverage, num(0), num(100))
		}
		if lt := q.LayerThresholds; lt != nil {
			for _, x := range []struct {
				n string
				v *float64
			}{{"bronze", lt.Bronze}, {"silver", lt.Silver}, {"gold", lt.Gold}} {
				if x.v != nil {
					c.between(b+"quality_gates.layer_thresholds."+x.n, *x.v, num(0), num(100))
				}
			}
		}
		c.enum(b+"quality_gates.zero_column_coverage_behavior", q.ZeroColumnCoverageBehavior, zeroCoverage)
	}
	for i, r := range g.CustomRules {
		c.customRule(fmt.Sprintf("%scustom_rules[%d]", b, i), r)
	}
	for i, o := range g.PolicyOverrides {
		p := fmt.Sprintf("%spolicy_overrides[%d]", b, i)
		c.required(p+".pattern", o.Pattern)
		if c.required(p+".action", o.Action) {
			c.enum(p+".action", o.Action, overrideActions)
		}
		c.required(p+".reason", o.Reason)
		if o.Expires != "" {
			if _, err := time.Parse("2006-01-02", o.Expires); err != nil {
				c.errorf(p+".expires", "%s is not a date YYYY-MM-DD", show(o.Expires))
			}
		}
		for j, t := range o.PolicyTypes {
			c.enum(fmt.Sprintf("%s.policy_types[%d]", p, j), t, policyTypes)
		}
	}
	if g.DataContracts != nil {
		c.check(b+"data_contracts", g.DataContracts, dataContractsShape)
	}
	if g.SecretScanning != nil {
		c.check(b+"secret_scanning", g.SecretScanning, secretScanningShape)
	}
	if g.NetworkPolicies != nil {
		c.check(b+"network_policies", g.NetworkPolicies, networkPoliciesShape)
		for i, r := range g.NetworkPolicy().Egress {
			p := fmt.Sprintf("%snetwork_policies.custom_egress_rules[%d]", b, i)
			switch {
			case (r.ToNamespace == "") == (r.ToCIDR == ""):
				c.errorf(p, "give exactly one of to_namespace and to_cidr")
			case r.ToCIDR != "":
				if _, _, err := net.ParseCIDR(r.ToCIDR); err != nil {
					c.errorf(p+".to_cidr", "%s is not a CIDR such as 10.0.0.0/8", show(r.ToCIDR))
				}
			default:
				if len(validation.IsDNS1123Label(r.ToNamespace)) > 0 {
					c.errorf(p+".to_namespace", "%s is not a namespace name (a DNS label: a-z, 0-9, '-', 63 characters at most)", show(r.ToNamespace))
				}
			}
			if len(r.Ports) == 0 {
				c.errorf(p+".ports", "list at least one port")
			}
		}
	}
	for i, pol := range g.Policies {
		p := fmt.Sprintf("%spolicies[%d]", b, i)
		c.required(p+".name", pol.Name)
		if c.required(p+".type", pol.Type) {
			c.enum(p+".type", pol.Type, govPolicyTypes)
		}
		if c.required(p+".action", pol.Action) {
			c.enum(p+".action", pol.Action, govPolicyActions)
		}
		if pol.Config != nil {
			c.check(p+".config", pol.Config, policyConfigShape)
			if pat, ok := pol.Config["pattern"].(string); ok {
				c.pyPattern(p+".config.pattern", pat)
			}
		}
	}
}

// pyPattern checks a Python regular expression the governance rules match names with.
func (c *checker) pyPattern(p, pat string) {
	if _, err := PyMatch(pat); err != nil {
		if _, raw := regexp.Compile(pat); raw != nil {
			err = raw // name the pattern as written, not inside PyMatch's anchoring group
		}
		c.errorf(p, "invalid regular expression (RE2 syntax; look-arounds and back-references are not supported): %v", err)
	}
}

// customRuleFields are the fields each custom rule type allows besides type and
// applies_to.
var customRuleFields = map[string][]string{
	"require_tags_for_prefix": {"prefix", "required_tags"},
	"require_meta_field":      {"field", "required"},
	"require_tests_of_type":   {"test_types", "min_columns"},
}

func (c *checker) customRule(p string, r CustomRule) {
	if !c.required(p+".type", r.Type) || !c.enum(p+".type", r.Type, customRuleTypes) {
		return
	}
	allowed := customRuleFields[r.Type]
	set := map[string]bool{
		"prefix": r.Prefix != "", "required_tags": r.RequiredTags != nil, "field": r.Field != "",
		"required": r.Required != nil, "test_types": r.TestTypes != nil, "min_columns": r.MinColumns != nil,
	}
	keys := []string{"prefix", "required_tags", "field", "required", "test_types", "min_columns"}
	for _, k := range keys {
		if set[k] && !oneOf(k, allowed...) {
			c.errorf(p+"."+k, "not a field of custom rule type %s (fields: %s, applies_to)", r.Type, strings.Join(allowed, ", "))
		}
	}
	if r.AppliesTo != "" {
		if _, err := Glob(r.AppliesTo); err != nil {
			c.errorf(p+".applies_to", "%s is not a valid glob: %v", show(r.AppliesTo), err)
		}
	}
	switch r.Type {
	case "require_tags_for_prefix":
		c.required(p+".prefix", r.Prefix)
		if len(r.RequiredTags) == 0 {
			c.errorf(p+".required_tags", "must list at least one tag")
		}
	case "require_meta_field":
		c.required(p+".field", r.Field)
	case "require_tests_of_type":
		if len(r.TestTypes) == 0 {
			c.errorf(p+".test_types", "must list at least one test type")
		}
		c.atLeast1(p+".min_columns", r.MinColumns)
	}
}

func (c *checker) artifacts(a *Artifacts) {
	if a.Registry == nil {
		c.section("artifacts.registry")
	} else {
		c.check("artifacts.registry", a.Registry, registryShape)
		if uri, ok := a.Registry["uri"].(string); ok {
			c.pattern("artifacts.registry.uri", uri, reRegistryURI, "an OCI registry URI (oci://host[:port]/path)")
		}
	}
	if a.Promotion != nil {
		c.promotion("artifacts.promotion", a.Promotion)
	}
}

func (c *checker) promotion(p string, pr map[string]any) {
	if v, ok := pr["signature_enforcement"]; ok {
		c.check(p+".signature_enforcement", v, enumOf(signatureModes...))
	}
	envs, ok := pr["environments"]
	if !ok || envs == nil {
		return
	}
	list, ok := envs.([]any)
	if !ok {
		c.errorf(p+".environments", "expected a list, got %s", goType(envs))
		return
	}
	for i, e := range list {
		ep := indexPath(p+".environments", i)
		m, ok := e.(map[string]any)
		if !ok {
			c.errorf(ep, "expected a mapping, got %s", goType(e))
			continue
		}
		name, _ := m["name"].(string)
		if c.required(ep+".name", name) {
			c.pattern(ep+".name", name, reEnvName, "a valid environment name (^[a-z][a-z0-9_-]*$)")
		}
		if gates, ok := m["gates"].(map[string]any); ok {
			if pc, ok := gates["policy_compliance"].(bool); ok && !pc {
				c.errorf(ep+".gates.policy_compliance", "policy_compliance gate cannot be disabled - it is mandatory for all environments")
			}
		}
	}
}

func (c *checker) observability(o *Observability) {
	if t := o.Tracing; t != nil {
		c.enum("observability.tracing.exporter", t.Exporter, tracingExporters)
		c.endpoint("observability.tracing.endpoint", t.Endpoint)
	}
	if l := o.Lineage; l != nil {
		c.enum("observability.lineage.transport", l.Transport, lineageTransports)
		c.endpoint("observability.lineage.endpoint", l.Endpoint)
	}
	if l := o.Logging; l != nil {
		c.enum("observability.logging.level", l.Level, logLevels)
		c.enum("observability.logging.format", l.Format, logFormats)
	}
}

// privatePrefixes are what Floe's endpoint validator refuses right after "://".
var privatePrefixes = []string{"127.", "192.168.", "10.", "169.254.", "::1", "[::1]", "localhost"}

// endpoint applies Floe's telemetry endpoint rule (D-IN-16).
func (c *checker) endpoint(p, v string) {
	if v == "" {
		return
	}
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok || (scheme != "http" && scheme != "https") || rest == "" {
		c.errorf(p, "%s is not an http(s) URL", show(v))
		return
	}
	if privateHost(rest) {
		c.errorf(p, "Endpoint cannot target private/internal networks")
	}
}

func privateHost(rest string) bool {
	lower := strings.ToLower(rest)
	for _, pre := range privatePrefixes {
		if strings.HasPrefix(lower, pre) {
			return true
		}
	}
	if strings.HasPrefix(lower, "172.") {
		octet, _, _ := strings.Cut(lower[4:], ".")
		var n int
		if _, err := fmt.Sscanf(octet, "%d", &n); err == nil && n >= 16 && n <= 31 && len(octet) <= 3 {
			return true
		}
	}
	return false
}

func (c *checker) preset(p string, r ResourcePreset) {
	nested := r.Requests != nil || r.Limits != nil
	flatSet := map[string]string{"cpu_request": r.CPURequest, "cpu_limit": r.CPULimit, "memory_request": r.MemoryRequest, "memory_limit": r.MemoryLimit}
	flat := false
	for _, v := range flatSet {
		flat = flat || v != ""
	}
	switch {
	case nested && flat:
		c.errorf(p, "mixes the nested shape (requests/limits) with the flat shape (cpu_request, …); use one")
		return
	case !nested && !flat:
		c.errorf(p, "needs either requests and limits ({cpu, memory}) or cpu_request, cpu_limit, memory_request and memory_limit")
		return
	}
	if flat {
		for _, k := range []string{"cpu_request", "cpu_limit", "memory_request", "memory_limit"} {
			if c.required(p+"."+k, flatSet[k]) {
				c.quantity(p+"."+k, flatSet[k], strings.HasPrefix(k, "cpu"))
			}
		}
		return
	}
	for _, x := range []struct {
		n  string
		cm *CPUMemory
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		if x.cm == nil {
			c.errorf(p+"."+x.n, "required field is missing")
			continue
		}
		if c.required(p+"."+x.n+".cpu", x.cm.CPU) {
			c.quantity(p+"."+x.n+".cpu", x.cm.CPU, true)
		}
		if c.required(p+"."+x.n+".memory", x.cm.Memory) {
			c.quantity(p+"."+x.n+".memory", x.cm.Memory, false)
		}
	}
}

func (c *checker) quantity(p, v string, cpu bool) {
	if cpu {
		c.pattern(p, v, reCPU, `a cpu quantity (^[0-9]+m?$, e.g. 500m or 2)`)
	} else {
		c.pattern(p, v, reMemory, `a memory quantity (^[0-9]+(Mi|Gi|Ki)$, e.g. 512Mi)`)
	}
}
