package overlay

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomizationNames are the file names kustomize recognises.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomizationFile is one kustomization, decoded the way krusty decodes it.
type kustomizationFile struct {
	dir   string     // root-relative directory
	file  string     // root-relative file
	doc   *yaml.Node // the document's top node, for positions; nil when empty
	value types.Kustomization
}

// readKustomization finds, reads and decodes the kustomization file of dir. Like
// kustomize, it refuses a directory with more than one.
func (b *builder) readKustomization(dir string) (*kustomizationFile, error) {
	if err := b.ctx.Err(); err != nil {
		return nil, err
	}
	if b.kusts >= MaxKustomizations {
		return nil, fmt.Errorf("%s: the overlay reads more than %d kustomizations", dir, MaxKustomizations)
	}
	b.kusts++
	entries, err := b.root.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, name := range kustomizationNames {
		if containsString(entries, name) {
			found = append(found, path.Join(dir, name))
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no kustomization.yaml in %s", dir)
	case 1:
	default:
		return nil, fmt.Errorf("%s: more than one kustomization file (%s): kustomize refuses the directory", dir, strings.Join(found, ", "))
	}
	data, err := b.read(found[0])
	if err != nil {
		return nil, err
	}
	return decodeKustomization(dir, found[0], data)
}

// decodeKustomization decodes data as krusty does (sigs.k8s.io/yaml to JSON, then
// encoding/json into types.Kustomization: keys match case-insensitively, unknown fields
// are refused). It keeps the YAML node tree for positions. It does not apply
// FixKustomization: floe checks the fields as written, then fixes.
func decodeKustomization(dir, file string, data []byte) (*kustomizationFile, error) {
	if err := boundAliases(file, data); err != nil {
		return nil, err
	}
	k := &kustomizationFile{dir: dir, file: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for n := 0; ; n++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("%s: more than one YAML document, want one kustomization", file)
		}
		if len(doc.Content) == 0 {
			continue
		}
		top := doc.Content[0]
		if top.Kind != yaml.MappingNode && !(top.Kind == yaml.ScalarNode && top.Tag == yaml.NodeTagNull) {
			return nil, fmt.Errorf("%s:%d:%d: a kustomization must be a mapping", file, top.Line, top.Column)
		}
		k.doc = top
	}
	if err := k.value.Unmarshal(data); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return k, nil
}

// at is "file:line:col: field" for the field path (names and list indexes), located in
// the YAML the way encoding/json picks among keys; "file: field" when it is not found.
func (k *kustomizationFile) at(field ...any) string {
	where := fieldPath(field)
	if n := locate(k.doc, field); n != nil {
		return fmt.Sprintf("%s:%d:%d: %s", k.file, n.Line, n.Column, where)
	}
	return fmt.Sprintf("%s: %s", k.file, where)
}

// atKey is "file:line:col: name" at the key of the top-level field name.
func (k *kustomizationFile) atKey(name string) string {
	if key, _ := mappingEntry(k.doc, name); key != nil {
		return fmt.Sprintf("%s:%d:%d: %s", k.file, key.Line, key.Column, name)
	}
	return fmt.Sprintf("%s: %s", k.file, name)
}

// fieldPath spells a field path: names joined by dots, indexes in brackets.
func fieldPath(field []any) string {
	var sb strings.Builder
	for i, s := range field {
		switch s := s.(type) {
		case int:
			sb.WriteString("[" + strconv.Itoa(s) + "]")
		case string:
			if i > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(s)
		}
	}
	return sb.String()
}

// locate finds the node of a field path in n (nil when n is nil or the path's first step
// is missing; the deepest node found otherwise).
func locate(n *yaml.Node, field []any) *yaml.Node {
	var found *yaml.Node
	for _, s := range field {
		for n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n == nil {
			break
		}
		var next *yaml.Node
		switch s := s.(type) {
		case int:
			if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
				next = n.Content[s]
			}
		case string:
			_, next = mappingEntry(n, s)
		}
		if next == nil {
			break
		}
		found, n = next, next
	}
	return found
}

// mappingEntry returns the key and value in the mapping n that encoding/json would decode
// into the field name after sigs.k8s.io/yaml: keys match case-insensitively, YAML→JSON
// sorts them, and the last one decoded wins, so the greatest matching key, and of equal
// keys the last.
func mappingEntry(n *yaml.Node, name string) (key, value *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !strings.EqualFold(k.Value, name) {
			continue
		}
		if key == nil || k.Value >= key.Value {
			key, value = k, n.Content[i+1]
		}
	}
	return key, value
}
