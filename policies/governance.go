package policies

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/floe-dev/floe/config"
)

// GovernanceRules are Floe's compile-time rules (D-GATE-06: POL-GOV), which
// Governance checks in Go on the product's transforms. Each ID ends in Floe's code.
var GovernanceRules = []Rule{
	{ID: "POL-GOV-E201", Title: "Model names follow the Manifest's naming convention", Severity: Deny, Package: govPackage,
		Remediation: "Rename the transform to match governance.naming (medallion: bronze_|silver_|gold_<name>; kimball: dim_|fact_|bridge_|hub_|link_|sat_<name>; custom: one of custom_patterns, matched from the start of the name)."},
	{ID: "POL-GOV-E220", Title: "Models have a description", Severity: Deny, Package: govPackage,
		Remediation: "Floe checks descriptions on the dbt manifest it synthesises from floe.yaml, where every description is empty: with quality_gates.require_descriptions every model fails. Turn the gate off or document the models in a dbt project compiled with it."},
	{ID: "POL-GOV-E400", Title: "Models with a governed prefix carry the required tags", Severity: Deny, Package: govPackage,
		Remediation: "Add the tags the custom rule require_tags_for_prefix lists to the transform's tags in floe.yaml."},
	{ID: "POL-GOV-E401", Title: "Models carry the required meta fields", Severity: Deny, Package: govPackage,
		Remediation: "floe.yaml cannot give a model meta fields, so require_meta_field fails every model it applies to; narrow applies_to or drop the rule."},
	{ID: "POL-GOV-E402", Title: "Models have the required test types", Severity: Deny, Package: govPackage,
		Remediation: "floe.yaml cannot give a model column tests, so require_tests_of_type fails every model it applies to; narrow applies_to or drop the rule."},
	{ID: "POL-GOV-E500", Title: "The compile passes the RBAC check", Severity: Deny, Package: govPackage,
		Remediation: "Floe's compile runs without an identity plugin, so governance.rbac.enabled: true always fails it; disable rbac for compiled products."},
	{ID: "POL-GOV-E600", Title: "The Manifest's policies (governance.policies) hold", Severity: Deny, Package: govPackage,
		Remediation: "Change the product so the policy named in the message holds (tags, name pattern, number of transforms), or have the platform team change the policy."},
}

const govPackage = "floe (governance)"

// govRules are GovernanceRules by ID.
var govRules = func() map[string]Rule {
	m := map[string]Rule{}
	for _, r := range GovernanceRules {
		m[r.ID] = r
	}
	return m
}()

// naming patterns of governance.naming.pattern; custom ones come from custom_patterns.
var namingPatterns = map[string]*regexp.Regexp{
	"medallion": regexp.MustCompile(`^(bronze|silver|gold)_[a-z][a-z0-9_]*$`),
	"kimball":   regexp.MustCompile(`^(dim|fact|bridge|hub|link|sat)_[a-z][a-z0-9_]*$`),
}

// Governance runs Floe's compile-time rule set on a product as Floe does (D-GATE-06):
// on the dbt manifest Floe synthesises from the transforms, where models have
// their names, tags and dependencies and nothing else (no description, column, test or
// meta). Nothing runs when the Manifest has no governance block. The findings carry
// Floe's raw severity; the gate applies the enforcement level.
//
// The semantic checks (FLOE-E301/E302) are input errors that config reports while
// loading. On the synthetic manifest coverage (E210/E211), column documentation
// (E221, E222) and undefined sources (E303) never fire. The secret scan (E601–E605) is
// not run: Floe scans the compile process's working directory, which floe never reads
// (POL-SEC-09 scans the rendered output). Policies of type custom are not evaluated:
// their condition is an expression, and floe runs nothing from the repository.
func Governance(m *config.Manifest, p *config.FloeSpec) []Finding {
	if m == nil || m.Governance == nil || p == nil {
		return nil
	}
	c := &govCheck{m: m, g: m.Governance, p: p}
	c.rbac()
	c.naming()
	c.descriptions()
	c.customRules()
	c.policies()
	return c.out
}

// govCheck gathers the governance findings of one product.
type govCheck struct {
	m   *config.Manifest
	g   *config.Governance
	p   *config.FloeSpec
	out []Finding
}

// add records a finding located in src at line.
func (c *govCheck) add(id, sev, resource string, src *config.Source, line int, msg string) {
	r := govRules[id]
	file := ""
	if src != nil {
		file = src.Path
	}
	c.out = append(c.out, Finding{Rule: id, Title: r.Title, Severity: sev, Remediation: r.Remediation,
		Resource: resource, File: file, Line: line, Message: msg})
}

// model records a finding on transform i, located at its name in floe.yaml.
func (c *govCheck) model(id, sev string, i int, msg string) {
	line, _ := c.p.Source.Pos(fmt.Sprintf("transforms[%d].name", i))
	c.add(id, sev, "Model/"+c.p.Transforms[i].Name, c.p.Source, line, msg)
}

// rbac: Floe's compile has no identity plugin, so an enabled RBAC check fails (E500).
func (c *govCheck) rbac() {
	if r := c.g.RBAC; r != nil && r.Enabled != nil && *r.Enabled {
		line, _ := c.m.Source.Pos("governance.rbac.enabled")
		c.add("POL-GOV-E500", Deny, "Manifest/"+c.m.Metadata.Name, c.m.Source, line,
			"RBAC check failed: the compile step runs without an identity plugin")
	}
}

// naming: every model name matches the convention (E201), an error at enforcement
// strict and a warning at warn (the default).
func (c *govCheck) naming() {
	n := c.g.Naming
	if n == nil || n.Enforcement == "off" {
		return
	}
	sev := Warn
	if n.Enforcement == "strict" {
		sev = Deny
	}
	pattern := n.Pattern
	if pattern == "" {
		pattern = "medallion"
	}
	var res []*regexp.Regexp
	if re, ok := namingPatterns[pattern]; ok {
		res = append(res, re)
	} else {
		for _, p := range n.CustomPatterns {
			if re, err := config.PyMatch(p); err == nil { // config reported invalid ones
				res = append(res, re)
			}
		}
	}
	for i, t := range c.p.Transforms {
		if !slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(t.Name) }) {
			c.model("POL-GOV-E201", sev, i, fmt.Sprintf("Model name '%s' does not match %s naming convention", t.Name, pattern))
		}
	}
}

// descriptions: with require_descriptions every model fails (E220), its synthetic
// description being empty.
func (c *govCheck) descriptions() {
	if q := c.g.QualityGates; q != nil && q.RequireDescriptions != nil && *q.RequireDescriptions {
		for i, t := range c.p.Transforms {
			c.model("POL-GOV-E220", Deny, i, fmt.Sprintf("Model '%s' is missing a description.", t.Name))
		}
	}
}

// customRules: the custom_rules on the models their applies_to glob selects (E400
// tags for a prefix; E401 meta and E402 test types, which a synthetic model never has).
func (c *govCheck) customRules() {
	for _, r := range c.g.CustomRules {
		applies, err := config.Glob(orStar(r.AppliesTo))
		if err != nil { // config reported it
			continue
		}
		for i, t := range c.p.Transforms {
			if !applies.MatchString(t.Name) {
				continue
			}
			switch r.Type {
			case "require_tags_for_prefix":
				if missing := missingTags(t.Tags, r.RequiredTags); strings.HasPrefix(t.Name, r.Prefix) && len(missing) > 0 {
					c.model("POL-GOV-E400", Deny, i, fmt.Sprintf("Model '%s' with prefix '%s' is missing required tags: %s", t.Name, r.Prefix, strings.Join(missing, ", ")))
				}
			case "require_meta_field":
				if r.Required == nil || *r.Required {
					c.model("POL-GOV-E401", Deny, i, fmt.Sprintf("Model '%s' is missing required meta field '%s'", t.Name, r.Field))
				}
			case "require_tests_of_type":
				c.model("POL-GOV-E402", Deny, i, fmt.Sprintf("Model '%s' is missing required test types: %s", t.Name, strings.Join(r.TestTypes, ", ")))
			}
		}
	}
}

// policies: the Manifest's policies[] (E600), a warning for action warn and an error
// for error and block. Policies of type custom are not evaluated (see Governance).
func (c *govCheck) policies() {
	for _, pol := range c.g.Policies {
		sev := Deny
		if pol.Action == "warn" {
			sev = Warn
		}
		prefix := fmt.Sprintf("[%s] %s", pol.Name, pol.Message)
		switch pol.Type {
		case "required_tags":
			want := stringList(pol.Config["required_tags"])
			for i, t := range c.p.Transforms {
				if missing := missingTags(t.Tags, want); len(missing) > 0 {
					c.model("POL-GOV-E600", sev, i, fmt.Sprintf("%s (Missing tags: %s)", prefix, strings.Join(missing, ", ")))
				}
			}
		case "naming_convention":
			pat, _ := pol.Config["pattern"].(string)
			re, err := config.PyMatch(pat)
			if pat == "" || err != nil { // config reported an invalid one
				continue
			}
			for i, t := range c.p.Transforms {
				if !re.MatchString(t.Name) {
					c.model("POL-GOV-E600", sev, i, fmt.Sprintf("%s (Pattern: %s)", prefix, pat))
				}
			}
		case "max_transforms":
			if limit, ok := pol.Config["threshold"].(int); ok && len(c.p.Transforms) > limit {
				line, _ := c.p.Source.Pos("transforms")
				c.add("POL-GOV-E600", sev, "Product/"+c.p.Metadata.Name, c.p.Source, line,
					fmt.Sprintf("%s (Actual: %d, Threshold: %d)", prefix, len(c.p.Transforms), limit))
			}
		}
	}
}

// missingTags lists the wanted tags not in have, in wanted's order.
func missingTags(have, wanted []string) []string {
	set := map[string]bool{}
	for _, t := range have {
		set[t] = true
	}
	var missing []string
	for _, t := range wanted {
		if !set[t] {
			missing = append(missing, t)
		}
	}
	return missing
}

func stringList(v any) []string {
	items, _ := v.([]any)
	var out []string
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func orStar(glob string) string {
	if glob == "" {
		return "*"
	}
	return glob
}
