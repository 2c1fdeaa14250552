package config

import (
	"fmt"
	"sync"
)

//go:generate go test -run TestSchemaFilesAreGenerated -update .

// SchemaKinds are the input kinds that have a JSON Schema, in CLI order.
var SchemaKinds = []string{"contract", "manifest", "product"}

// schemaSources are the Go type, title and description each kind's schema is
// generated from (schemagen.go).
var schemaSources = map[string]struct {
	value              any
	title, description string
}{
	"contract": {(*Contract)(nil), "floe PlatformEnvironmentContract (" + APIVersionContract + ")",
		"A PlatformEnvironmentContract with its policy and overlays sections. Cross-field rules (default in alphaSupported/approved, paths existing inside the root) are checked by floe validate."},
	"manifest": {(*Manifest)(nil), "floe platform Manifest (" + APIVersionFloe + ")",
		"A platform Manifest. Unknown root keys are allowed (floe warns); environment-specific root keys and unknown nested keys are rejected. Inheritance (parent_manifest) is resolved by floe validate."},
	"product": {(*FloeSpec)(nil), "floe data product floe.yaml (" + KindProduct + ", " + APIVersionFloe + ")",
		"A data product's floe.yaml; names without a trailing '-' or '--', a numeric 5-field cron, outputPorts[*].schema allowed. floe validate additionally checks the recursive forbidden-key rule at every depth, dependsOn references and cycles, IANA time zones, cron ranges and the cross-document rules."},
}

var (
	schemasOnce sync.Once
	schemas     map[string][]byte
)

// Schema returns the JSON Schema (draft 2020-12) of one input kind: contract, manifest
// or product (D-IN-17). It is generated from the Go types the loader decodes into and
// the rules their `schema` tags name, which the validators check with, so the schema
// and the loader cannot drift; config/schemas/ holds the same bytes for editors
// (yaml-language-server `$schema`). The loaders stay authoritative for cross-field,
// recursive and cross-document rules.
func Schema(kind string) ([]byte, error) {
	schemasOnce.Do(func() {
		schemas = map[string][]byte{}
		for _, k := range SchemaKinds {
			src := schemaSources[k]
			schemas[k] = marshalSchema(generateSchema(src.value, "https://floe.dev/schemas/"+k+".schema.json", src.title, src.description))
		}
	})
	if b, ok := schemas[kind]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("unknown schema %q (want contract, manifest or product)", kind)
}
