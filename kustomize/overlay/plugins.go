package overlay

import (
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/builtins"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// plugins rewrites the generators, transformers or validators list (field) of k. Every
// configuration, whether inline, in a file or in a directory of configurations, is
// checked, its paths rewritten, and written back as one inline entry: kustomize
// configures inline entries before path entries, so the inline ones come first here too.
func (b *builder) plugins(k *kustomizationFile, memoryDir, field string, entries []string, depth int) ([]string, error) {
	var inline, fromPaths []string
	for i, e := range entries {
		at := k.at(field, i)
		if err := boundAliases(at, []byte(e)); err != nil {
			return nil, err
		}
		// kustomize's own test: an entry its resource decoder accepts is inline.
		if rm, err := b.resmaps.NewResMapFromBytes([]byte(e)); err == nil {
			for _, res := range rm.Resources() {
				doc, err := b.pluginConfig(k, memoryDir, at, res)
				if err != nil {
					return nil, err
				}
				inline = append(inline, doc)
			}
			continue
		}
		rel, isDir, err := b.resolve(k.dir, at, e)
		if err != nil {
			return nil, err
		}
		var docs []string
		if isDir {
			docs, err = b.pluginDirectory(k, memoryDir, rel, depth+1, map[string]bool{})
		} else if !within(rel, k.dir) {
			err = fmt.Errorf("%s: security; file '%s' is not in or below '%s'", at, rel, k.dir)
		} else {
			docs, err = b.pluginFile(k, memoryDir, rel)
		}
		if err != nil {
			return nil, err
		}
		fromPaths = append(fromPaths, docs...)
	}
	return append(inline, fromPaths...), nil
}

// pluginDirectory reads the configurations a generators/transformers/validators
// directory lists. Its kustomization may list only resources: anything else would
// transform the configurations after floe checked them.
func (b *builder) pluginDirectory(listing *kustomizationFile, memoryDir, dir string, depth int, stack map[string]bool) ([]string, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("%s: kustomizations reference each other more than %d deep", dir, MaxDepth)
	}
	if stack[dir] {
		return nil, fmt.Errorf("%s: a directory of plugin configurations lists itself", dir)
	}
	stack[dir] = true
	defer delete(stack, dir)
	k, err := b.readKustomization(dir)
	if err != nil {
		return nil, err
	}
	rest := k.value
	rest.TypeMeta, rest.MetaData, rest.Resources, rest.Bases = types.TypeMeta{}, nil, nil, nil
	if !reflect.DeepEqual(rest, types.Kustomization{}) {
		return nil, fmt.Errorf("%s: a directory of generators, transformers or validators may only list resources", k.atKey(firstField(rest)))
	}
	var out []string
	for _, list := range []struct {
		name    string
		entries []string
	}{{"resources", k.value.Resources}, {"bases", k.value.Bases}} {
		for i, e := range list.entries {
			at := k.at(list.name, i)
			rel, isDir, err := b.resolve(dir, at, e)
			if err != nil {
				return nil, err
			}
			var docs []string
			if isDir {
				docs, err = b.pluginDirectory(listing, memoryDir, rel, depth+1, stack)
			} else if !within(rel, dir) {
				err = fmt.Errorf("%s: security; file '%s' is not in or below '%s'", at, rel, dir)
			} else {
				docs, err = b.pluginFile(listing, memoryDir, rel)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, docs...)
		}
	}
	return out, nil
}

// firstField names the first set field of k (as kustomize spells it).
func firstField(k types.Kustomization) string {
	data, err := sigsyaml.Marshal(k)
	if err != nil {
		return "kustomization"
	}
	var m map[string]any
	if err := sigsyaml.Unmarshal(data, &m); err != nil || len(m) == 0 {
		return "kustomization"
	}
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys[0]
}

// pluginFile checks the configurations in a root-relative file.
func (b *builder) pluginFile(listing *kustomizationFile, memoryDir, rel string) ([]string, error) {
	data, err := b.read(rel)
	if err != nil {
		return nil, err
	}
	list, err := b.resources.SliceFromBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	var positions []*yaml.RNode
	if nodes, err := kio.FromBytes(data); err == nil {
		for _, n := range nodes {
			if !n.IsNilOrEmpty() {
				positions = append(positions, n)
			}
		}
	}
	var out []string
	for i, res := range list {
		where := rel
		if len(positions) == len(list) {
			where = fmt.Sprintf("%s:%d:%d", rel, positions[i].YNode().Line, positions[i].YNode().Column)
		}
		doc, err := b.pluginConfig(listing, memoryDir, where, res)
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, nil
}

// functionAnnotations mark KRM function configurations (exec, container, starlark).
var functionAnnotations = []string{"config.kubernetes.io/function", "config.k8s.io/function"}

// pluginConfig checks one generator/transformer/validator configuration: only
// kustomize's builtin plugins (apiVersion: builtin), never a KRM function, an exec/Go
// plugin or Helm chart inflation. It decodes the configuration into the builtin's own
// type the way the builtin does, rewrites its paths relative to the listing
// kustomization, and returns it re-marshalled.
func (b *builder) pluginConfig(listing *kustomizationFile, memoryDir, where string, res *resource.Resource) (string, error) {
	kind := res.GetKind()
	for _, a := range functionAnnotations {
		if spec, ok := res.GetAnnotations()[a]; ok {
			return "", fmt.Errorf("%s: KRM function %s (%s) refused: exec and container functions never run in overlays",
				where, kind, functionType(spec))
		}
	}
	if res.GetApiVersion() != "builtin" {
		return "", fmt.Errorf("%s: plugin %s (apiVersion %q) refused: only kustomize builtin plugins (apiVersion: builtin) run in overlays",
			where, kind, res.GetApiVersion())
	}
	if kind == "HelmChartInflationGenerator" {
		return "", fmt.Errorf("%s: %s refused: Helm chart inflation is refused in overlays", where, kind)
	}
	data, err := res.AsYAML()
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	at := func(field []any) string { return where + ": " + kind + " " + fieldPath(field) }
	file := func(field []any, entry string) (string, error) {
		return b.fileReference(listing.dir, memoryDir, at(field), entry)
	}
	fields, err := b.builtinConfig(kind, data, listing.dir, at, file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	m, err := res.Map()
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	fields["apiVersion"] = "builtin"
	fields["kind"] = kind
	fields["metadata"] = m["metadata"]
	out, err := sigsyaml.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	return string(out), nil
}

// builtinConfig decodes a builtin plugin's configuration into its type (sigs.k8s.io/yaml,
// as the plugin's Config does), rewrites the paths it loads and returns its fields.
func (b *builder) builtinConfig(kind string, data []byte, listingDir string, at func([]any) string, file fileRewriter) (map[string]any, error) {
	var err error
	var configs []any
	if plain, ok := plainBuiltins[kind]; ok {
		for _, c := range plain() {
			if err := sigsyaml.Unmarshal(data, c); err != nil {
				return nil, err
			}
			configs = append(configs, c)
		}
		return marshalFields(configs)
	}
	switch kind {
	case "PatchTransformer":
		p := &builtins.PatchTransformerPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		if err := boundAliases(at([]any{"patch"}), []byte(p.Patch)); err != nil {
			return nil, err
		}
		if p.Path != "" {
			if p.Path, err = file([]any{"path"}, p.Path); err != nil {
				return nil, err
			}
		}
		configs = []any{p}
	case "PatchJson6902Transformer":
		p := &builtins.PatchJson6902TransformerPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		if p.Path != "" {
			if p.Path, err = file([]any{"path"}, p.Path); err != nil {
				return nil, err
			}
		}
		configs = []any{p}
	case "PatchStrategicMergeTransformer":
		p := &builtins.PatchStrategicMergeTransformerPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		if err := boundAliases(at([]any{"patches"}), []byte(p.Patches)); err != nil {
			return nil, err
		}
		for i, e := range p.Paths {
			s, err := b.strategicMergePatch(file, []any{"paths", i}, at([]any{"paths", i}), string(e))
			if err != nil {
				return nil, err
			}
			p.Paths[i] = types.PatchStrategicMerge(s)
		}
		configs = []any{p}
	case "ReplacementTransformer":
		p := &builtins.ReplacementTransformerPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		for i := range p.ReplacementList {
			if r := &p.ReplacementList[i]; r.Path != "" {
				if r.Path, err = file([]any{"replacements", i, "path"}, r.Path); err != nil {
					return nil, err
				}
			}
		}
		configs = []any{p}
	case "ValueAddTransformer":
		p := &builtins.ValueAddTransformerPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		if strings.TrimSpace(p.Value) == "" {
			// kustomize defaults it to the base name of the kustomization's directory:
			// spell it out before the directory gets a generated name.
			p.Value = path.Base(path.Join("/_floe/root", listingDir))
		}
		if p.TargetFilePath != "" {
			if p.TargetFilePath, err = file([]any{"targetFilePath"}, p.TargetFilePath); err != nil {
				return nil, err
			}
		}
		configs = []any{p}
	case "ConfigMapGenerator":
		p := &builtins.ConfigMapGeneratorPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		if err := rewriteSources(&p.KvPairSources, nil, at, file); err != nil {
			return nil, err
		}
		configs = []any{p}
	case "SecretGenerator":
		p := &builtins.SecretGeneratorPlugin{}
		if err := sigsyaml.Unmarshal(data, p); err != nil {
			return nil, err
		}
		if err := rewriteSources(&p.KvPairSources, nil, at, file); err != nil {
			return nil, err
		}
		configs = []any{p}
	default:
		return nil, fmt.Errorf("builtin plugin %s refused: kustomize has no builtin of that kind", kind)
	}
	return marshalFields(configs)
}

// plainBuiltins are the builtin plugins that read no file, with the types their
// configurations decode into (PrefixSuffixTransformer configures both of its parts from
// the same configuration).
var plainBuiltins = map[string]func() []any{
	"AnnotationsTransformer":  func() []any { return []any{&builtins.AnnotationsTransformerPlugin{}} },
	"HashTransformer":         func() []any { return []any{&builtins.HashTransformerPlugin{}} },
	"IAMPolicyGenerator":      func() []any { return []any{&builtins.IAMPolicyGeneratorPlugin{}} },
	"ImageTagTransformer":     func() []any { return []any{&builtins.ImageTagTransformerPlugin{}} },
	"LabelTransformer":        func() []any { return []any{&builtins.LabelTransformerPlugin{}} },
	"NamespaceTransformer":    func() []any { return []any{&builtins.NamespaceTransformerPlugin{}} },
	"PrefixTransformer":       func() []any { return []any{&builtins.PrefixTransformerPlugin{}} },
	"SuffixTransformer":       func() []any { return []any{&builtins.SuffixTransformerPlugin{}} },
	"PrefixSuffixTransformer": func() []any { return []any{&builtins.PrefixTransformerPlugin{}, &builtins.SuffixTransformerPlugin{}} },
	"ReplicaCountTransformer": func() []any { return []any{&builtins.ReplicaCountTransformerPlugin{}} },
}

// marshalFields merges the JSON fields of the decoded configurations.
func marshalFields(configs []any) (map[string]any, error) {
	fields := map[string]any{}
	for _, c := range configs {
		out, err := sigsyaml.Marshal(c)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := sigsyaml.Unmarshal(out, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			fields[k] = v
		}
	}
	return fields, nil
}

// functionType names the runtime a function annotation asks for.
func functionType(spec string) string {
	n, err := yaml.Parse(spec)
	if err == nil && n.YNode().Kind == yaml.MappingNode {
		for _, t := range []string{"exec", "container", "starlark"} {
			if n.Field(t) != nil {
				return t
			}
		}
	}
	return "function"
}
