package policies

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/floe-dev/floe/config"
)

// GovernanceRules are Floe's compile-time rules (SPEC §2.9, P-15: POL-GOV), which
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

// naming patterns of governance.naming.pattern; custom ones come from custom_patterns.
var namingPatterns = map[string]*regexp.Regexp{
	"medallion": regexp.MustCompile(`^(bronze|silver|gold)_[a-z][a-z0-9_]*$`),
	"kimball":   regexp.MustCompile(`^(dim|fact|bridge|hub|link|sat)_[a-z][a-z0-9_]*$`),
}

// Governance runs Floe's compile-time rule set on a product as Floe does (SPEC §2.9,
// P-15): on the dbt manifest Floe synthesises from the transforms, where models have
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
	g := m.Governance
	var out []Finding
	model := func(rule, sev string, i int, msg string) {
		line, _ := p.Source.Pos(fmt.Sprintf("transforms[%d].name", i))
		out = append(out, govFinding(rule, sev, "Model/"+p.Transforms[i].Name, sourcePath(p.Source), line, msg))
	}

	if r := g.RBAC; r != nil && r.Enabled != nil && *r.Enabled {
		line, _ := m.Source.Pos("governance.rbac.enabled")
		out = append(out, govFinding("POL-GOV-E500", Deny, "Manifest/"+m.Metadata.Name, sourcePath(m.Source), line,
			"RBAC check failed: the compile step runs without an identity plugin"))
	}

	if n := g.Naming; n != nil && n.Enforcement != "off" {
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
			for _, c := range n.CustomPatterns {
				if re, err := config.PyMatch(c); err == nil { // config reported invalid ones
					res = append(res, re)
				}
			}
		}
		for i, t := range p.Transforms {
			if !matchesAny(res, t.Name) {
				model("POL-GOV-E201", sev, i, fmt.Sprintf("Model name '%s' does not match %s naming convention", t.Name, pattern))
			}
		}
	}

	if q := g.QualityGates; q != nil && q.RequireDescriptions != nil && *q.RequireDescriptions {
		for i, t := range p.Transforms {
			model("POL-GOV-E220", Deny, i, fmt.Sprintf("Model '%s' is missing a description.", t.Name))
		}
	}

	for _, r := range g.CustomRules {
		applies, err := config.Glob(orStar(r.AppliesTo))
		if err != nil { // config reported it
			continue
		}
		for i, t := range p.Transforms {
			if !applies.MatchString(t.Name) {
				continue
			}
			switch r.Type {
			case "require_tags_for_prefix":
				if missing := missingTags(t.Tags, r.RequiredTags); strings.HasPrefix(t.Name, r.Prefix) && len(missing) > 0 {
					model("POL-GOV-E400", Deny, i, fmt.Sprintf("Model '%s' with prefix '%s' is missing required tags: %s", t.Name, r.Prefix, strings.Join(missing, ", ")))
				}
			case "require_meta_field":
				if r.Required == nil || *r.Required {
					model("POL-GOV-E401", Deny, i, fmt.Sprintf("Model '%s' is missing required meta field '%s'", t.Name, r.Field))
				}
			case "require_tests_of_type":
				model("POL-GOV-E402", Deny, i, fmt.Sprintf("Model '%s' is missing required test types: %s", t.Name, strings.Join(r.TestTypes, ", ")))
			}
		}
	}

	for _, pol := range g.Policies {
		sev := Deny
		if pol.Action == "warn" {
			sev = Warn
		}
		prefix := fmt.Sprintf("[%s] %s", pol.Name, pol.Message)
		switch pol.Type {
		case "required_tags":
			want := stringList(pol.Config["required_tags"])
			for i, t := range p.Transforms {
				if missing := missingTags(t.Tags, want); len(missing) > 0 {
					model("POL-GOV-E600", sev, i, fmt.Sprintf("%s (Missing tags: %s)", prefix, strings.Join(missing, ", ")))
				}
			}
		case "naming_convention":
			pat, _ := pol.Config["pattern"].(string)
			re, err := config.PyMatch(pat)
			if pat == "" || err != nil { // config reported an invalid one
				continue
			}
			for i, t := range p.Transforms {
				if !re.MatchString(t.Name) {
					model("POL-GOV-E600", sev, i, fmt.Sprintf("%s (Pattern: %s)", prefix, pat))
				}
			}
		case "max_transforms":
			if limit, ok := pol.Config["threshold"].(int); ok && len(p.Transforms) > limit {
				line, _ := p.Source.Pos("transforms")
				out = append(out, govFinding("POL-GOV-E600", sev, "Product/"+p.Metadata.Name, sourcePath(p.Source), line,
					fmt.Sprintf("%s (Actual: %d, Threshold: %d)", prefix, len(p.Transforms), limit)))
			}
		}
	}
	return out
}

func govFinding(id, sev, resource, file string, line int, msg string) Finding {
	r := ruleByID(id)
	return Finding{Rule: id, Title: r.Title, Severity: sev, Remediation: r.Remediation,
		Resource: resource, File: file, Line: line, Message: msg}
}

func ruleByID(id string) Rule {
	for _, r := range GovernanceRules {
		if r.ID == id {
			return r
		}
	}
	panic("policies: no governance rule " + id)
}

func sourcePath(s *config.Source) string {
	if s == nil {
		return ""
	}
	return s.Path
}

func matchesAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
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
