package config

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// The values the `schema` struct tags of types.go name (schemagen.go): each is the value
// the validators check with, so a schema rule and its validator share one source.

// schemaConsts are fixed values (apiVersion, kind).
var schemaConsts = map[string]string{
	"contractAPIVersion": APIVersionContract,
	"floeAPIVersion":     APIVersionFloe,
	"contractKind":       KindContract,
	"manifestKind":       KindManifest,
	"productKind":        KindProduct,
}

// schemaEnums are the allowed values of enum fields.
var schemaEnums = map[string][]string{
	"manifestSources": manifestSources, "runtimes": runtimes, "tagPolicies": tagPolicies,
	"enforcements": enforcements, "piiEncryption": piiEncryption, "auditLogging": auditLogging,
	"recoveryModes": recoveryModes, "namingPatterns": namingPatterns, "zeroCoverage": zeroCoverage,
	"customRuleTypes": customRuleTypes, "overrideActions": overrideActions, "policyTypes": policyTypes,
	"govPolicyTypes": govPolicyTypes, "govPolicyActions": govPolicyActions,
	"tracingExporters": tracingExporters, "lineageTransports": lineageTransports,
	"logLevels": logLevels, "logFormats": logFormats, "tiers": tiers, "dimensions": dimensions,
	"checkSeverity": checkSeverity,
}

// dns1123Label is apimachinery's DNS-1123 label format (validation.IsDNS1123Label, which
// the validators call), for the schema.
const dns1123Label = `[a-z0-9]([-a-z0-9]*[a-z0-9])?`

// schemaPatterns are the regular expressions of pattern fields, as JSON Schema
// (ECMA-262) patterns; those of the validators' regexps are their own source text.
var schemaPatterns = map[string]string{
	"envName":      reEnvName.String(),
	"manifestName": reManifestName.String(),
	"secretRef":    reSecretRef.String(),
	"dbtName":      reDBTName.String(),
	"ociRef":       reOCIRef.String(),
	"artifactRepo": reArtifactRepo.String(),
	"cpu":          reCPU.String(),
	"memory":       reMemory.String(),
	"date":         strings.ReplaceAll(reDate.String(), `\d`, `[0-9]`),
	"semver":       strings.ReplaceAll(reSemver.String(), `\d`, `[0-9]`),
	"warningID":    reWarningID.String(),
	"dnsLabel":     "^" + dns1123Label + "$",
	"dnsSubdomain": "^" + dns1123Label + `(\.` + dns1123Label + ")*$",
	"kindName":     "/",  // a Kind/name glob names both
	"nonBlank":     `\S`, // not only white space
}

// schemaFragments are shared rules that take more than one keyword.
var schemaFragments = map[string]func() jsonSchema{
	// a root-relative path: not absolute, never climbing with ".." (CleanRel)
	"relPath": func() jsonSchema {
		return jsonSchema{"minLength": 1, "pattern": "^[^/]", "not": jsonSchema{"pattern": `(^|/)\.\.(/|$)`}}
	},
	"url": func() jsonSchema { return jsonSchema{"pattern": reURL.String()} },
	// D-IN-16: an http(s) URL whose host is not private (privatePrefixes, 172.16/12)
	"endpoint": func() jsonSchema {
		var alts []string
		for _, p := range privatePrefixes {
			alts = append(alts, caseInsensitive(regexp.QuoteMeta(p)))
		}
		alts = append(alts, `172\.(1[6-9]|2[0-9]|3[01])\.`)
		return jsonSchema{"pattern": "^https?://.", "not": jsonSchema{"pattern": "^https?://(" + strings.Join(alts, "|") + ")"}}
	},
	"notReservedName": func() jsonSchema {
		return jsonSchema{"not": jsonSchema{"enum": slices.Sorted(maps.Keys(reservedManifestNames))}}
	},
	"notPolicyRule": func() jsonSchema { return jsonSchema{"not": jsonSchema{"pattern": "^POL-"}} },
	// D-IN-03: the product-name pattern with no trailing '-' and no "--"
	"productName": func() jsonSchema {
		return jsonSchema{"pattern": "^[a-z](-?[a-z0-9])*$", "maxLength": maxProductName}
	},
	// D-IN-08: no credential-like key (any letter case)
	"noForbiddenKeys": func() jsonSchema {
		var alts []string
		for _, k := range slices.Sorted(maps.Keys(forbiddenSpecKeys)) {
			alts = append(alts, caseInsensitive(k))
		}
		return jsonSchema{"propertyNames": jsonSchema{"not": jsonSchema{"pattern": "^(" + strings.Join(alts, "|") + ")$"}}}
	},
	// D-IN-05: five numeric fields (the ranges are the validator's), or empty (D-IN-07)
	"cron": func() jsonSchema {
		item := `(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?`
		field := item + "(," + item + ")*"
		return jsonSchema{"pattern": `^$|^\s*` + strings.Repeat(field+`\s+`, 4) + field + `\s*$`}
	},
	// artifacts.promotion, checked field by field by (*checker).promotion
	"artifactPromotion": func() jsonSchema {
		return jsonSchema{"properties": jsonSchema{
			"signature_enforcement": jsonSchema{"enum": signatureModes},
			"environments": jsonSchema{"type": "array", "items": jsonSchema{
				"type": "object", "required": []string{"name"},
				"properties": jsonSchema{
					"name":  jsonSchema{"type": "string", "pattern": reEnvName.String()},
					"gates": jsonSchema{"type": "object", "properties": jsonSchema{"policy_compliance": jsonSchema{"const": true}}},
				},
			}},
		}}
	},
}

// schemaShapes are the shapes (shape.go) of free-form blocks.
var schemaShapes = map[string]*shape{
	"dataContracts": dataContractsShape, "secretScanning": secretScanningShape,
	"networkPolicies": networkPoliciesShape, "registry": registryShape,
	"qualityGates": qualityGatesShape, "thresholds": thresholdsShape, "policyConfig": policyConfigShape,
}

// caseInsensitive spells a lower-case literal as a pattern matching any letter case.
func caseInsensitive(s string) string {
	var b strings.Builder
	for _, r := range s {
		if up := strings.ToUpper(string(r)); up != string(r) {
			b.WriteString("[" + string(r) + up + "]")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// schemaExtend: a git source names a path, an oci source an ociRef.
func (*ManifestRef) schemaExtend(s jsonSchema) {
	for _, x := range [][2]string{{"git", "path"}, {"oci", "ociRef"}} {
		addAllOf(s, jsonSchema{
			"if":   jsonSchema{"properties": jsonSchema{"source": jsonSchema{"const": x[0]}}},
			"then": jsonSchema{"required": []string{x[1]}},
		})
	}
}

// schemaExtend: unknown root keys are allowed (D-IN-18) but environment-specific ones
// are not (D-IN-09); scope may be null; the scope decides parent_manifest and the
// approved_* lists.
func (*Manifest) schemaExtend(s jsonSchema) {
	s["additionalProperties"] = true
	s["propertyNames"] = jsonSchema{"not": jsonSchema{"enum": slices.Sorted(maps.Keys(manifestEnvKeys))}}
	props := s["properties"].(jsonSchema)
	props["scope"] = jsonSchema{"enum": append(append([]any{}, toAny(scopes)...), nil)}
	scopeIs := func(v string) jsonSchema {
		return jsonSchema{"required": []string{"scope"}, "properties": jsonSchema{"scope": jsonSchema{"const": v}}}
	}
	addAllOf(s, jsonSchema{
		"if":   scopeIs("domain"),
		"then": jsonSchema{"required": []string{"parent_manifest"}},
		"else": jsonSchema{"not": jsonSchema{"required": []string{"parent_manifest"}}},
	})
	for _, x := range [][2]string{{"approved_plugins", "enterprise"}, {"approved_sinks", "enterprise"}, {"approved_products", "domain"}} {
		addAllOf(s, jsonSchema{"if": jsonSchema{"required": []string{x[0]}}, "then": scopeIs(x[1])})
	}
}

func toAny(v []string) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// schemaExtend: pattern custom needs custom patterns.
func (*Naming) schemaExtend(s jsonSchema) {
	s["if"] = jsonSchema{"required": []string{"pattern"}, "properties": jsonSchema{"pattern": jsonSchema{"const": "custom"}}}
	s["then"] = jsonSchema{"required": []string{"custom_patterns"}, "properties": jsonSchema{"custom_patterns": jsonSchema{"minItems": 1}}}
}

// customRuleRequired are the fields each custom rule type needs (customRule checks
// them one by one); a listed list field needs at least one item.
var customRuleRequired = map[string][]string{
	"require_tags_for_prefix": {"prefix", "required_tags"},
	"require_meta_field":      {"field"},
	"require_tests_of_type":   {"test_types"},
}

// schemaExtend: each custom rule type allows its own fields (customRuleFields) and
// needs some of them.
func (*CustomRule) schemaExtend(s jsonSchema) {
	props := s["properties"].(jsonSchema)
	s["required"] = []string{"type"}
	for _, t := range customRuleTypes {
		then := jsonSchema{}
		banned := jsonSchema{}
		for name := range props {
			if name != "type" && name != "applies_to" && !oneOf(name, customRuleFields[t]...) {
				banned[name] = false
			}
		}
		for _, name := range customRuleRequired[t] {
			if props[name].(jsonSchema)["type"] == "array" {
				banned[name] = jsonSchema{"minItems": 1}
			}
		}
		then["properties"] = banned
		then["required"] = customRuleRequired[t]
		addAllOf(s, jsonSchema{
			"if":   jsonSchema{"properties": jsonSchema{"type": jsonSchema{"const": t}}},
			"then": then,
		})
	}
}

// schemaExtend: network_policies' egress rules go to exactly one target, a DNS-label
// namespace or a CIDR, on at least one port (D-RND-18).
func (*Governance) schemaExtend(s jsonSchema) {
	np := s["properties"].(jsonSchema)["network_policies"].(jsonSchema)
	rule := np["properties"].(jsonSchema)["custom_egress_rules"].(jsonSchema)["items"].(jsonSchema)
	rule["required"] = []string{"ports"}
	rule["oneOf"] = []any{jsonSchema{"required": []string{"to_namespace"}}, jsonSchema{"required": []string{"to_cidr"}}}
	rp := rule["properties"].(jsonSchema)
	rp["to_namespace"] = jsonSchema{"type": "string", "maxLength": 63, "pattern": schemaPatterns["dnsLabel"]}
	rp["ports"].(jsonSchema)["minItems"] = 1
}

// schemaExtend: the registry's uri is an OCI registry URI.
func (*Artifacts) schemaExtend(s jsonSchema) {
	reg := s["properties"].(jsonSchema)["registry"].(jsonSchema)
	reg["properties"].(jsonSchema)["uri"] = jsonSchema{"type": "string", "pattern": reRegistryURI.String()}
}

// schemaExtend: a preset is either nested (requests and limits) or flat (the four
// cpu_/memory_ fields), never a mix.
func (*ResourcePreset) schemaExtend(s jsonSchema) {
	nested, flat := []string{"requests", "limits"}, []string{"cpu_request", "cpu_limit", "memory_request", "memory_limit"}
	none := func(names []string) jsonSchema {
		out := jsonSchema{}
		for _, n := range names {
			out[n] = false
		}
		return out
	}
	s["oneOf"] = []any{
		jsonSchema{"required": nested, "properties": none(flat)},
		jsonSchema{"required": flat, "properties": none(nested)},
	}
}
