package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// The JSON Schemas `floe schema` prints are generated from the Go types the loaders
// decode into (D-IN-17), so the two cannot drift: each struct is an object that allows
// exactly its `yaml` fields (and their `alias` spellings), typed as the Go field is, and
// the `schema` struct tag adds the field's rules. The rules name the values the
// validators check with (enums, patterns, shapes, constants; schema_rules.go), not
// copies of them. A type with a schemaExtend method adds rules that span its fields.
//
// The `schema` tag is a comma-separated list:
//
//	required            the field must be present (a string also non-empty)
//	nonempty            a string, when present, is not empty
//	enum=NAME           one of schemaEnums[NAME]
//	pattern=NAME        matches schemaPatterns[NAME]
//	const=NAME          equals schemaConsts[NAME]
//	use=NAME            the fragment schemaFragments[NAME] (a shared rule: relPath, url, …)
//	shape=NAME          a free-form block checked by shape schemaShapes[NAME]
//	KEYWORD=NUMBER      minLength, maxLength, minimum, maximum, minItems, maxProperties
//	uniqueItems         no duplicate items
//	items.RULE          RULE applies to each item of a list
//	values.RULE         RULE applies to each value of a map

// schemaExtender adds rules that span a type's fields (conditionals, oneOf).
type schemaExtender interface {
	schemaExtend(s jsonSchema)
}

// jsonSchema is one schema node; encoding/json writes its keys sorted, so the output
// is deterministic.
type jsonSchema = map[string]any

// generateSchema builds the JSON Schema of the type of v (a pointer to a struct).
func generateSchema(v any, id, title, description string) jsonSchema {
	s := typeSchema(reflect.TypeOf(v).Elem())
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = id
	s["title"] = title
	s["description"] = description
	return s
}

// typeSchema is the schema of a Go type.
func typeSchema(t reflect.Type) jsonSchema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return jsonSchema{"type": "string"}
	case reflect.Bool:
		return jsonSchema{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return jsonSchema{"type": "integer"}
	case reflect.Float64:
		return jsonSchema{"type": "number"}
	case reflect.Interface:
		return jsonSchema{}
	case reflect.Slice:
		return jsonSchema{"type": "array", "items": typeSchema(t.Elem())}
	case reflect.Map:
		s := jsonSchema{"type": "object"}
		if t.Elem().Kind() != reflect.Interface {
			s["additionalProperties"] = typeSchema(t.Elem())
		}
		return s
	case reflect.Struct:
		return structSchema(t)
	}
	panic(fmt.Sprintf("schema: no JSON Schema for Go type %s", t))
}

// structSchema is an object with exactly the struct's yaml fields. A field with an
// `alias` spelling may be written either way, not both.
func structSchema(t reflect.Type) jsonSchema {
	props := jsonSchema{}
	var required []string
	var allOf, both []any
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fs := typeSchema(f.Type)
		req := applyRules(fs, f.Tag.Get("schema"), t.Name()+"."+f.Name)
		props[name] = fs
		alias := f.Tag.Get("alias")
		switch {
		case alias != "":
			props[alias] = fs
			both = append(both, jsonSchema{"required": []string{name, alias}})
			if req {
				allOf = append(allOf, jsonSchema{"anyOf": []any{jsonSchema{"required": []string{name}}, jsonSchema{"required": []string{alias}}}})
			}
		case req:
			required = append(required, name)
		}
	}
	s := jsonSchema{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if len(both) > 0 {
		allOf = append(allOf, jsonSchema{"not": jsonSchema{"anyOf": both}})
	}
	if len(allOf) > 0 {
		s["allOf"] = allOf
	}
	if ext, ok := reflect.New(t).Interface().(schemaExtender); ok {
		ext.schemaExtend(s)
	}
	return s
}

// addAllOf adds rule to the rules s's instances must all pass.
func addAllOf(s jsonSchema, rule jsonSchema) {
	all, _ := s["allOf"].([]any)
	s["allOf"] = append(all, rule)
}

// applyRules adds the rules of a schema tag to s; it reports whether the field is
// required. where names the field in a panic about a bad tag.
func applyRules(s jsonSchema, tag, where string) (required bool) {
	if tag == "" {
		return false
	}
	for rule := range strings.SplitSeq(tag, ",") {
		target := s
		for {
			if rest, ok := strings.CutPrefix(rule, "items."); ok {
				target, rule = target["items"].(jsonSchema), rest
				continue
			}
			if rest, ok := strings.CutPrefix(rule, "values."); ok {
				target, rule = target["additionalProperties"].(jsonSchema), rest
				continue
			}
			break
		}
		key, val, _ := strings.Cut(rule, "=")
		switch key {
		case "required":
			required = true
			if target["type"] == "string" {
				target["minLength"] = 1
			}
		case "nonempty":
			target["minLength"] = 1
		case "enum":
			target["enum"] = lookupRule(schemaEnums, val, where)
		case "pattern":
			target["pattern"] = lookupRule(schemaPatterns, val, where)
		case "const":
			delete(target, "type")
			delete(target, "minLength")
			target["const"] = lookupRule(schemaConsts, val, where)
		case "use":
			for k, v := range lookupRule(schemaFragments, val, where)() {
				target[k] = v
			}
		case "shape":
			for k, v := range shapeSchema(lookupRule(schemaShapes, val, where)) {
				target[k] = v
			}
		case "uniqueItems":
			target["uniqueItems"] = true
		case "minLength", "maxLength", "minimum", "maximum", "minItems", "maxProperties":
			n, err := strconv.ParseFloat(val, 64)
			if err != nil {
				panic(fmt.Sprintf("schema: %s: %s: %v", where, rule, err))
			}
			target[key] = n
		default:
			panic(fmt.Sprintf("schema: %s: unknown rule %q", where, rule))
		}
	}
	return required
}

func lookupRule[V any](table map[string]V, name, where string) V {
	v, ok := table[name]
	if !ok {
		panic(fmt.Sprintf("schema: %s: no rule value named %q", where, name))
	}
	return v
}

// shapeSchema is the JSON Schema of a free-form block's shape (shape.go): the same
// table the validator walks.
func shapeSchema(sh *shape) jsonSchema {
	switch sh.kind {
	case "object":
		props := jsonSchema{}
		names := make([]string, 0, len(sh.fields))
		for k := range sh.fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			props[k] = shapeSchema(sh.fields[k])
		}
		s := jsonSchema{"type": "object", "additionalProperties": false, "properties": props}
		if len(sh.required) > 0 {
			s["required"] = sh.required
		}
		return s
	case "list":
		return jsonSchema{"type": "array", "items": shapeSchema(sh.item)}
	case "string":
		s := jsonSchema{"type": "string"}
		if sh.enum != nil {
			s["enum"] = sh.enum
		}
		return s
	case "bool":
		return jsonSchema{"type": "boolean"}
	case "int", "number":
		s := jsonSchema{"type": map[string]string{"int": "integer", "number": "number"}[sh.kind]}
		if sh.min != nil {
			s["minimum"] = *sh.min
		}
		if sh.max != nil {
			s["maximum"] = *sh.max
		}
		return s
	}
	return jsonSchema{}
}

// marshalSchema writes a schema as floe prints it: indented by two spaces, keys
// sorted, a final newline, no HTML escaping.
func marshalSchema(s jsonSchema) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic(fmt.Sprintf("schema: %v", err))
	}
	return []byte(b.String())
}
