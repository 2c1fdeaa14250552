package config

import (
	"embed"
	"fmt"
)

//go:embed schemas/*.schema.json
var schemaFS embed.FS

// SchemaKinds are the input kinds that have a JSON Schema, in CLI order.
var SchemaKinds = []string{"contract", "manifest", "product"}

// Schema returns the JSON Schema (draft 2020-12) of one input kind: contract, manifest
// or product. The schemas mirror the loaders' field rules for editors
// (yaml-language-server `$schema`); the loaders stay authoritative for cross-field,
// recursive and cross-document rules.
func Schema(kind string) ([]byte, error) {
	for _, k := range SchemaKinds {
		if k == kind {
			return schemaFS.ReadFile("schemas/" + kind + ".schema.json")
		}
	}
	return nil, fmt.Errorf("unknown schema %q (want contract, manifest or product)", kind)
}
