package argocd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Kind is the collection type of a parameter value.
type Kind int

// Parameter value kinds, as in Argo CD's ApplicationSourcePluginParameter.
const (
	KindNone Kind = iota
	KindString
	KindArray
	KindMap
)

func (k Kind) String() string {
	return [...]string{"none", "string", "array", "map"}[k]
}

// Parameter is one Application plugin parameter as Argo CD sends it in
// ARGOCD_APP_PARAMETERS: a name and one of string, array or map.
type Parameter struct {
	Name   string
	Kind   Kind
	String string
	Array  []string
	Map    map[string]string
}

// maxParameters bounds the list; Argo CD's UI announces a handful.
const maxParameters = 256

// ParseParameters decodes ARGOCD_APP_PARAMETERS strictly: a JSON list (or null) of
// objects with a non-empty "name" and at most one of "string", "array" (strings) or
// "map" (string values). Unknown or repeated keys, duplicate names, wrong value types
// and trailing data are errors.
func ParseParameters(data []byte) ([]Parameter, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("ARGOCD_APP_PARAMETERS: %w", err)
	}
	var out []Parameter
	switch tok {
	case nil: // null: the Application has no parameters
	case json.Delim('['):
		seen := map[string]bool{}
		for dec.More() {
			if len(out) == maxParameters {
				return nil, fmt.Errorf("ARGOCD_APP_PARAMETERS: more than %d parameters", maxParameters)
			}
			p, err := parseParameter(dec)
			if err != nil {
				return nil, fmt.Errorf("ARGOCD_APP_PARAMETERS[%d]: %w", len(out), err)
			}
			if seen[p.Name] {
				return nil, fmt.Errorf("ARGOCD_APP_PARAMETERS[%d]: parameter %q given twice", len(out), p.Name)
			}
			seen[p.Name] = true
			out = append(out, p)
		}
		if _, err := dec.Token(); err != nil { // the closing ']'
			return nil, fmt.Errorf("ARGOCD_APP_PARAMETERS: %w", err)
		}
	default:
		return nil, errors.New("ARGOCD_APP_PARAMETERS: want a JSON list of parameters")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("ARGOCD_APP_PARAMETERS: unexpected data after the parameter list")
	}
	return out, nil
}

func parseParameter(dec *json.Decoder) (Parameter, error) {
	var p Parameter
	if err := expectDelim(dec, '{', "a parameter object"); err != nil {
		return p, err
	}
	keys := map[string]bool{}
	for dec.More() {
		key, err := stringToken(dec, "a key")
		if err != nil {
			return p, err
		}
		if keys[key] {
			return p, fmt.Errorf("key %q given twice", key)
		}
		keys[key] = true
		switch key {
		case "name":
			if p.Name, err = stringToken(dec, "name: a string"); err != nil {
				return p, err
			}
		case "string", "array", "map":
			if p.Kind != KindNone {
				return p, fmt.Errorf("both %s and %s given; want one", p.Kind, key)
			}
			switch key {
			case "string":
				p.Kind = KindString
				p.String, err = stringToken(dec, "string: a string")
			case "array":
				p.Kind = KindArray
				p.Array, err = stringList(dec)
			case "map":
				p.Kind = KindMap
				p.Map, err = stringMap(dec)
			}
			if err != nil {
				return p, err
			}
		default:
			return p, fmt.Errorf("unknown key %q (want name, string, array or map)", key)
		}
	}
	if err := expectDelim(dec, '}', "end of parameter object"); err != nil {
		return p, err
	}
	if p.Name == "" {
		return p, errors.New("parameter without a name")
	}
	return p, nil
}

func stringList(dec *json.Decoder) ([]string, error) {
	if err := expectDelim(dec, '[', "array: a list of strings"); err != nil {
		return nil, err
	}
	out := []string{}
	for dec.More() {
		s, err := stringToken(dec, "array: a list of strings")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, expectDelim(dec, ']', "end of array")
}

func stringMap(dec *json.Decoder) (map[string]string, error) {
	if err := expectDelim(dec, '{', "map: an object of strings"); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for dec.More() {
		k, err := stringToken(dec, "map: a key")
		if err != nil {
			return nil, err
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("map key %q given twice", k)
		}
		if out[k], err = stringToken(dec, "map: string values"); err != nil {
			return nil, err
		}
	}
	return out, expectDelim(dec, '}', "end of map")
}

func expectDelim(dec *json.Decoder, d json.Delim, want string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %s, got %s", want, describe(tok))
	}
	return nil
}

func stringToken(dec *json.Decoder, want string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("want %s, got %s", want, describe(tok))
	}
	return s, nil
}

// describe names a JSON token's type without echoing its value.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case json.Delim:
		return fmt.Sprintf("%q", string(t))
	}
	return "an unexpected token"
}
