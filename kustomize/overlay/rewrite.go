package overlay

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/floe-dev/floe/config"
	"sigs.k8s.io/kustomize/api/types"
	sigsyaml "sigs.k8s.io/yaml"
)

// refusedFields are kustomization fields floe never runs, with the reason.
var refusedFields = []struct {
	name string
	set  func(k *types.Kustomization) bool
	why  string
}{
	{"helmCharts", func(k *types.Kustomization) bool { return k.HelmCharts != nil }, "Helm chart inflation is refused in overlays"},
	{"helmGlobals", func(k *types.Kustomization) bool { return k.HelmGlobals != nil }, "Helm chart inflation is refused in overlays"},
	{"helmChartInflationGenerator", func(k *types.Kustomization) bool { return k.HelmChartInflationGenerator != nil }, "Helm chart inflation is refused in overlays"},
	{"openapi", func(k *types.Kustomization) bool { return k.OpenAPI != nil }, "custom OpenAPI schemas are refused in overlays"},
	{"buildMetadata", func(k *types.Kustomization) bool { return k.BuildMetadata != nil }, "build metadata annotations are refused in overlays"},
}

// kustomization checks the kustomization in the root-relative dir, copies everything it
// references and writes it back: the typed value with every path replaced by the
// in-memory path floe generated, `floe:<name>` components resolved and, when top, the
// rendered base inserted as the first resource.
func (b *builder) kustomization(dir string, depth int, top bool) error {
	if depth > MaxDepth {
		return fmt.Errorf("%s: kustomizations reference each other more than %d deep", dir, MaxDepth)
	}
	if b.visited[dir] {
		return nil
	}
	b.visited[dir] = true
	k, err := b.readKustomization(dir)
	if err != nil {
		return err
	}
	for _, f := range refusedFields {
		if f.set(&k.value) {
			return fmt.Errorf("%s: %s", k.atKey(f.name), f.why)
		}
	}
	memoryDir := b.tree.path(dir, true)
	v := &k.value
	atField := func(field []any) string { return k.at(field...) }
	file := func(field []any, entry string) (string, error) {
		return b.fileReference(dir, memoryDir, k.at(field...), entry)
	}
	for _, list := range []struct {
		name    string
		entries []string
	}{{"resources", v.Resources}, {"bases", v.Bases}} {
		for i, e := range list.entries {
			if list.entries[i], err = b.resource(k, memoryDir, k.at(list.name, i), e, depth); err != nil {
				return err
			}
		}
	}
	for i, e := range v.Components {
		if v.Components[i], err = b.component(k, memoryDir, k.at("components", i), e, depth); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		name    string
		entries []string
	}{{"crds", v.Crds}, {"configurations", v.Configurations}} {
		for i, e := range list.entries {
			if list.entries[i], err = file([]any{list.name, i}, e); err != nil {
				return err
			}
		}
	}
	for i, e := range v.PatchesStrategicMerge {
		p, err := b.strategicMergePatch(file, []any{"patchesStrategicMerge", i}, k.at("patchesStrategicMerge", i), string(e))
		if err != nil {
			return err
		}
		v.PatchesStrategicMerge[i] = types.PatchStrategicMerge(p)
	}
	for _, list := range []struct {
		name    string
		patches []types.Patch
	}{{"patchesJson6902", v.PatchesJson6902}, {"patches", v.Patches}} {
		for i := range list.patches {
			p := &list.patches[i]
			if err := boundAliases(k.at(list.name, i, "patch"), []byte(p.Patch)); err != nil {
				return err
			}
			if p.Path != "" {
				if p.Path, err = file([]any{list.name, i, "path"}, p.Path); err != nil {
					return err
				}
			}
		}
	}
	for i := range v.Replacements {
		if r := &v.Replacements[i]; r.Path != "" {
			if r.Path, err = file([]any{"replacements", i, "path"}, r.Path); err != nil {
				return err
			}
		}
	}
	for i := range v.ConfigMapGenerator {
		if err := rewriteSources(&v.ConfigMapGenerator[i].KvPairSources, []any{"configMapGenerator", i}, atField, file); err != nil {
			return err
		}
	}
	for i := range v.SecretGenerator {
		if err := rewriteSources(&v.SecretGenerator[i].KvPairSources, []any{"secretGenerator", i}, atField, file); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		name    string
		entries *[]string
	}{{"generators", &v.Generators}, {"transformers", &v.Transformers}, {"validators", &v.Validators}} {
		if *list.entries == nil {
			continue
		}
		if *list.entries, err = b.plugins(k, memoryDir, list.name, *list.entries, depth); err != nil {
			return err
		}
	}
	v.FixKustomization()
	if top {
		v.Resources = append([]string{memoryReference(memoryDir, memoryRendered)}, v.Resources...)
	}
	out, err := sigsyaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", k.file, err)
	}
	p := memoryDir + "/kustomization.yaml"
	b.tree.user[p] = k.file
	return b.write(p, out)
}

// resource rewrites a resources (or bases) entry: a file, or a kustomization directory
// checked in turn.
func (b *builder) resource(k *kustomizationFile, memoryDir, at, entry string, depth int) (string, error) {
	rel, isDir, err := b.resolve(k.dir, at, entry)
	if err != nil {
		return "", err
	}
	if !isDir {
		p, err := b.copyFile(rel)
		if err != nil {
			return "", err
		}
		return b.tree.reference(memoryDir, p, entry), nil
	}
	if err := b.kustomization(rel, depth+1, false); err != nil {
		return "", err
	}
	return b.tree.reference(memoryDir, b.tree.path(rel, true), entry), nil
}

// component rewrites a components entry: `floe:<name>` or a directory inside root.
func (b *builder) component(k *kustomizationFile, memoryDir, at, entry string, depth int) (string, error) {
	if name, ok := strings.CutPrefix(entry, ComponentPrefix); ok {
		names := componentNames()
		if !containsString(names, name) {
			return "", fmt.Errorf("%s: unknown floe component %q (floe ships: %s)", at, entry, strings.Join(names, ", "))
		}
		return memoryReference(memoryDir, path.Join(memoryComponents, name)), nil
	}
	rel, isDir, err := b.resolve(k.dir, at, entry)
	if err != nil {
		return "", err
	}
	if !isDir {
		return "", fmt.Errorf("%s: component %q is not a directory", at, entry)
	}
	if err := b.kustomization(rel, depth+1, false); err != nil {
		return "", err
	}
	return b.tree.reference(memoryDir, b.tree.path(rel, true), entry), nil
}

// fileReference resolves a file entry of a kustomization in dir, copies the file and
// returns its in-memory path relative to memoryDir.
func (b *builder) fileReference(dir, memoryDir, at, entry string) (string, error) {
	rel, isDir, err := b.resolve(dir, at, entry)
	if err != nil {
		return "", err
	}
	if isDir {
		return "", fmt.Errorf("%s: %q is a directory, want a file", at, entry)
	}
	p, err := b.copyFile(rel)
	if err != nil {
		return "", err
	}
	return b.tree.reference(memoryDir, p, entry), nil
}

// fileRewriter rewrites one file entry at a field path (relative to the object it is in).
type fileRewriter func(field []any, entry string) (string, error)

// strategicMergePatch keeps an inline patch (bounded) and rewrites a path. kustomize takes
// an entry its resource decoder accepts as inline patches, anything else as a path.
func (b *builder) strategicMergePatch(file fileRewriter, field []any, at, entry string) (string, error) {
	if err := boundAliases(at, []byte(entry)); err != nil {
		return "", err
	}
	if _, err := b.resources.SliceFromBytes([]byte(entry)); err == nil {
		return entry, nil
	}
	return file(field, entry)
}

// rewriteSources rewrites the files, envs and env of a ConfigMap or Secret generator. A
// files entry without a key gets its key spelled out (kustomize derives it from the
// path's base name), so the path can be replaced.
func rewriteSources(s *types.KvPairSources, base []any, at func(field []any) string, file fileRewriter) error {
	field := func(rest ...any) []any { return append(append([]any{}, base...), rest...) }
	var err error
	for j, src := range s.FileSources {
		key, p, perr := parseFileSource(src)
		if perr != nil {
			return fmt.Errorf("%s: %w", at(field("files", j)), perr)
		}
		if p, err = file(field("files", j), p); err != nil {
			return err
		}
		s.FileSources[j] = key + "=" + p
	}
	for j, src := range s.EnvSources {
		if s.EnvSources[j], err = file(field("envs", j), src); err != nil {
			return err
		}
	}
	if s.EnvSource != "" {
		if s.EnvSource, err = file(field("env"), s.EnvSource); err != nil {
			return err
		}
	}
	return nil
}

// parseFileSource splits a generator's files entry as kustomize does: "key=path", or
// "path" whose key is the path's base name.
func parseFileSource(source string) (key, file string, err error) {
	switch n := strings.Count(source, "="); {
	case n == 0:
		return path.Base(source), source, nil
	case n == 1 && strings.HasPrefix(source, "="):
		return "", "", fmt.Errorf("missing key name for file path %q in source %q", strings.TrimPrefix(source, "="), source)
	case n == 1 && strings.HasSuffix(source, "="):
		return "", "", fmt.Errorf("missing file path for key name %q in source %q", strings.TrimSuffix(source, "="), source)
	case n > 1:
		return "", "", fmt.Errorf("source %q key name or file path contains '='", source)
	default:
		key, file, _ = strings.Cut(source, "=")
		return key, file, nil
	}
}

// resolve resolves a path entry of a kustomization in the root-relative dir to a
// root-relative path that exists. Errors are located at at, except the root's own
// errors about a file (a symlink out of root, a limit, cancellation), which name it.
func (b *builder) resolve(dir, at, entry string) (rel string, isDir bool, err error) {
	if strings.HasPrefix(entry, ComponentPrefix) {
		return "", false, fmt.Errorf("%s: %q: floe components are listed under components:", at, entry)
	}
	rel, err = rootPath(dir, entry)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", at, err)
	}
	isDir, err = b.stat(rel)
	switch {
	case err == nil:
		return rel, isDir, nil
	case errors.Is(err, config.ErrOutsideRoot), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "", false, err
	case looksRemote(entry):
		return "", false, fmt.Errorf("%s: remote reference %q refused: overlays use only files inside root", at, entry)
	}
	return "", false, fmt.Errorf("%s: %w", at, err)
}

// memoryReference is the floe-owned in-memory path to (the rendered base, a component)
// relative to the in-memory directory from: up to "/" and down again.
func memoryReference(from, to string) string {
	up := strings.Count(strings.Trim(from, "/"), "/") + 1
	return strings.Repeat("../", up) + strings.TrimPrefix(to, "/")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
