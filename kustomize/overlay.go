package kustomize

// Platform overlays (CLI.md "Platform overlays"): the contract's `overlays:` list names
// root-relative kustomize directories that are applied, in order, to the rendered objects
// after the chart render and before the telemetry filters and the policy gate.
//
// Each overlay is built in process with the kustomize API on an in-memory filesystem, the
// way Flux's helm-controller post-renders (style.md):
//
//	/_floe/rendered/kustomization.yaml   resources: [rendered.yaml]   (generated)
//	/_floe/rendered/rendered.yaml        the objects given to ApplyOverlays
//	/_floe/components/<name>/…           floe's own components (go:embed of components/)
//	/_floe/root/<rel>/…                  the overlay directory and what it references,
//	                                     copied through config.Root
//
// floe injects the base: the overlay's kustomization lists only what changes (patches,
// components, labels, images, replacements, …) and floe inserts the rendered objects as its
// first resource. Components shipped with floe are referenced as `floe:<name>`
// (`components: [floe:data-nodes]`). Plugins, KRM functions, Helm inflation, remote
// references, `openapi` and `buildMetadata` are refused before kustomize runs.

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/floe-dev/floe/config"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// OverlayComponentPrefix marks a `components:` entry that names a component shipped with
// floe (kustomize/components/<name>) instead of a directory inside root.
const OverlayComponentPrefix = "floe:"

const (
	overlayMemRoot       = "/_floe/root"
	overlayMemRendered   = "/_floe/rendered"
	overlayMemComponents = "/_floe/components"
)

//go:embed all:components
var overlayComponentFS embed.FS

// overlayKustomizationNames are the file names kustomize recognises, in its lookup order.
var overlayKustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// overlayMu serialises kustomize runs: krusty sets the process-wide OpenAPI schema on
// every Run, so concurrent builds would race on it.
var overlayMu sync.Mutex

// overlayBuildFunc runs kustomize on fs at dir (a seam for the panic test).
type overlayBuildFunc func(fs filesys.FileSystem, dir string) (resmap.ResMap, error)

// overlayKrusty builds with plugins disabled (builtins only, statically linked), files
// restricted to each kustomization's root, no managed-by label and input order kept.
func overlayKrusty(fs filesys.FileSystem, dir string) (resmap.ResMap, error) {
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.DisabledPluginConfig()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	opts.Reorder = krusty.ReorderOptionNone
	opts.AddManagedbyLabel = false
	return krusty.MakeKustomizer(opts).Run(fs, dir)
}

// OverlayFilter is the kio.Filter form of ApplyOverlays.
type OverlayFilter struct {
	Root config.Root
	Dirs []string // root-relative overlay directories, applied in order
}

// Filter applies the overlays to nodes.
func (f OverlayFilter) Filter(nodes []*yaml.RNode) ([]*yaml.RNode, error) {
	return ApplyOverlays(f.Root, f.Dirs, nodes)
}

// ApplyOverlays applies each root-relative kustomize directory in dirs, in order, to objs
// and returns the resulting objects (objs itself when dirs is empty; objs is never
// modified). The overlay's kustomization must not list the rendered objects: floe inserts
// them as its first resource. Errors name the overlay: "overlay <dir>: …".
func ApplyOverlays(root config.Root, dirs []string, objs []*yaml.RNode) ([]*yaml.RNode, error) {
	return applyOverlays(root, dirs, objs, overlayKrusty)
}

func applyOverlays(root config.Root, dirs []string, objs []*yaml.RNode, build overlayBuildFunc) ([]*yaml.RNode, error) {
	out := objs
	for _, dir := range dirs {
		next, err := applyOverlay(root, dir, out, build)
		if err != nil {
			return nil, fmt.Errorf("overlay %s: %w", dir, err)
		}
		out = next
	}
	return out, nil
}

func applyOverlay(root config.Root, dir string, objs []*yaml.RNode, build overlayBuildFunc) ([]*yaml.RNode, error) {
	rel, err := overlayRootPath(".", dir)
	if err != nil {
		return nil, err
	}
	isDir, err := root.Stat(rel)
	if err != nil {
		return nil, err
	}
	if !isDir {
		return nil, fmt.Errorf("%s: not a directory", rel)
	}
	b := &overlayBuilder{
		root:    root,
		fs:      filesys.MakeFsInMemory(),
		copied:  map[string]bool{},
		visited: map[string]bool{},
	}
	if err := b.writeRendered(objs); err != nil {
		return nil, err
	}
	if err := b.writeComponents(); err != nil {
		return nil, err
	}
	if err := b.copyDir(rel); err != nil {
		return nil, err
	}
	if err := b.kustomization(rel, true, false); err != nil {
		return nil, err
	}
	m, err := overlayRun(build, b.fs, path.Join(overlayMemRoot, rel))
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, nil
	}
	nodes := m.ToRNodeSlice()
	for _, n := range nodes {
		if err := overlayStripAnnotations(n); err != nil {
			return nil, err
		}
	}
	return nodes, nil
}

// overlayRun runs kustomize under overlayMu, turning a panic into an error and the
// in-memory paths in its messages back into root-relative ones.
func overlayRun(build overlayBuildFunc, fs filesys.FileSystem, dir string) (m resmap.ResMap, err error) {
	overlayMu.Lock()
	defer overlayMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, &overlayKustomizeError{msg: fmt.Sprintf("kustomize panicked: %v", r)}
		}
	}()
	m, err = build(fs, dir)
	if err != nil {
		return nil, &overlayKustomizeError{msg: overlayMessage(err.Error()), err: err}
	}
	return m, nil
}

// overlayKustomizeError is a kustomize error whose message names root-relative paths.
type overlayKustomizeError struct {
	msg string
	err error
}

func (e *overlayKustomizeError) Error() string { return e.msg }
func (e *overlayKustomizeError) Unwrap() error { return e.err }

// overlayMessage rewrites in-memory paths: root files become root-relative, the rendered
// base "floe:rendered" and floe's components "floe:<name>".
func overlayMessage(s string) string {
	return overlayMessageRe.ReplaceAllStringFunc(s, func(m string) string {
		m = strings.TrimLeft(m, "./")
		switch {
		case strings.HasPrefix(m, "_floe/rendered"):
			return OverlayComponentPrefix + "rendered"
		case strings.HasPrefix(m, "_floe/components/"):
			return OverlayComponentPrefix + strings.TrimPrefix(m, "_floe/components/")
		case m == "_floe/root":
			return "."
		}
		return strings.TrimPrefix(m, "_floe/root/")
	})
}

// overlayMessageRe matches the in-memory paths (absolute, or relative as floe wrote them
// into kustomizations) that kustomize puts in its messages.
var overlayMessageRe = regexp.MustCompile(`(?:/|(?:\.\./)+)_floe/(?:rendered(?:/rendered\.yaml|/kustomization\.yaml)?|components/[A-Za-z0-9._-]+|root(?:/[^\s'"():,]*)?)`)

// overlayBuilder fills the in-memory filesystem for one overlay.
type overlayBuilder struct {
	root    config.Root
	fs      filesys.FileSystem
	copied  map[string]bool // root-relative files and directories already copied
	visited map[string]bool // kustomization directories already checked (key: mode + dir)
}

// writeRendered writes objs as the generated base kustomization.
func (b *overlayBuilder) writeRendered(objs []*yaml.RNode) error {
	var sb strings.Builder
	for i, n := range objs {
		if n == nil {
			return fmt.Errorf("rendered object %d is nil", i)
		}
		s, err := n.String()
		if err != nil {
			return fmt.Errorf("rendered object %d: %w", i, err)
		}
		if i > 0 {
			sb.WriteString("---\n")
		}
		sb.WriteString(s)
	}
	// metadata keeps the kustomization non-empty (kustomize refuses an empty one) when
	// there are no objects.
	kust := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: floe-rendered\n"
	if len(objs) > 0 {
		kust += "resources:\n- rendered.yaml\n"
		if err := b.write(overlayMemRendered+"/rendered.yaml", []byte(sb.String())); err != nil {
			return err
		}
	}
	return b.write(overlayMemRendered+"/kustomization.yaml", []byte(kust))
}

// writeComponents copies floe's embedded components to /_floe/components.
func (b *overlayBuilder) writeComponents() error {
	return fs.WalkDir(overlayComponentFS, "components", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := overlayComponentFS.ReadFile(p)
		if err != nil {
			return err
		}
		return b.write(path.Join(overlayMemComponents, strings.TrimPrefix(p, "components/")), data)
	})
}

// overlayComponentNames lists floe's components, sorted.
func overlayComponentNames() []string {
	entries, _ := overlayComponentFS.ReadDir("components")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func (b *overlayBuilder) write(p string, data []byte) error {
	if err := b.fs.MkdirAll(path.Dir(p)); err != nil {
		return err
	}
	return b.fs.WriteFile(p, data)
}

// copyFile copies one root-relative file into the in-memory root.
func (b *overlayBuilder) copyFile(rel string) error {
	if b.copied[rel] {
		return nil
	}
	data, err := b.root.ReadFile(rel)
	if err != nil {
		return err
	}
	if err := overlayBounded(rel, data); err != nil {
		return err
	}
	b.copied[rel] = true
	return b.write(path.Join(overlayMemRoot, rel), data)
}

// overlayMaxNodes bounds the YAML nodes a file or inline document may expand to once its
// aliases are resolved (kustomize resolves them; an alias "bomb" would stall it).
const overlayMaxNodes = 100_000

// overlayBounded refuses YAML whose aliases expand past overlayMaxNodes. Data that is
// not YAML (a .properties file for a generator) is left to kustomize.
func overlayBounded(where string, data []byte) error {
	if !bytes.Contains(data, []byte("*")) {
		return nil // no aliases: at most as many nodes as bytes, which Root bounds
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	memo := map[*yaml.Node]int{}
	total := 0
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil // end of stream, or not YAML: kustomize reports it
		}
		total += overlayNodeCount(&doc, memo, 0)
		if total > overlayMaxNodes {
			return fmt.Errorf("%s: YAML aliases expand to more than %d nodes", where, overlayMaxNodes)
		}
	}
}

// overlayNodeCount is the number of nodes n expands to, aliases resolved (capped just
// above overlayMaxNodes).
func overlayNodeCount(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if c, ok := memo[n]; ok {
		return c
	}
	if depth > 1000 {
		return overlayMaxNodes + 1
	}
	memo[n] = overlayMaxNodes + 1 // an alias cycle counts as too big
	c := 1
	if n.Kind == yaml.AliasNode {
		c += overlayNodeCount(n.Alias, memo, depth+1)
	}
	for _, ch := range n.Content {
		c += overlayNodeCount(ch, memo, depth+1)
		if c > overlayMaxNodes {
			c = overlayMaxNodes + 1
			break
		}
	}
	memo[n] = c
	return c
}

// copyDir copies a root-relative directory tree (skipping .git) into the in-memory root.
func (b *overlayBuilder) copyDir(rel string) error {
	if b.copied[rel] {
		return nil
	}
	b.copied[rel] = true
	if err := b.fs.MkdirAll(path.Join(overlayMemRoot, rel)); err != nil {
		return err
	}
	names, err := b.root.ReadDir(rel)
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == ".git" {
			continue
		}
		child := path.Join(rel, name)
		isDir, err := b.root.Stat(child)
		if err != nil {
			return err
		}
		if isDir {
			err = b.copyDir(child)
		} else {
			err = b.copyFile(child)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// overlayKust is one kustomization file being checked.
type overlayKust struct {
	dir  string // root-relative directory
	file string // root-relative file
	node *yaml.RNode
}

// at is "file:line:col: field" for n.
func (k *overlayKust) at(n *yaml.RNode, field string) string {
	return fmt.Sprintf("%s:%d:%d: %s", k.file, n.YNode().Line, n.YNode().Column, field)
}

// overlayRefusedFields are kustomization fields floe never runs, with the reason.
var overlayRefusedFields = []struct{ name, why string }{
	{"helmCharts", "Helm chart inflation is refused in overlays"},
	{"helmGlobals", "Helm chart inflation is refused in overlays"},
	{"helmChartInflationGenerator", "Helm chart inflation is refused in overlays"},
	{"openapi", "custom OpenAPI schemas are refused in overlays"},
	{"buildMetadata", "build metadata annotations are refused in overlays"},
}

// kustomization checks the kustomization in dir (root-relative), copies everything it
// references and writes it back with floe's rewrites: `floe:<name>` components resolved
// and, when top, the rendered base inserted as the first resource. In plugin mode the
// directory's resources are generator/transformer/validator configurations.
func (b *overlayBuilder) kustomization(dir string, top, plugins bool) error {
	key := fmt.Sprintf("%v:%s", plugins, dir)
	if b.visited[key] {
		return nil
	}
	b.visited[key] = true
	k, err := b.readKustomization(dir)
	if err != nil {
		return err
	}
	for _, f := range overlayRefusedFields {
		if v := k.node.Field(f.name); v != nil {
			return fmt.Errorf("%s: %s", k.at(v.Key, f.name), f.why)
		}
	}
	for _, field := range []string{"resources", "bases"} {
		err := k.eachString(field, func(n *yaml.RNode, where, entry string) error {
			rel, isDir, err := b.ref(k, n, where, entry)
			if err != nil {
				return err
			}
			if isDir {
				if err := b.copyDir(rel); err != nil {
					return err
				}
				return b.kustomization(rel, false, plugins)
			}
			if err := b.copyFile(rel); err != nil {
				return err
			}
			if plugins {
				return b.checkPluginFile(rel)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	err = k.eachString("components", func(n *yaml.RNode, where, entry string) error {
		if name, ok := strings.CutPrefix(entry, OverlayComponentPrefix); ok {
			return b.floeComponent(k, n, where, name)
		}
		rel, isDir, err := b.ref(k, n, where, entry)
		if err != nil {
			return err
		}
		if !isDir {
			return fmt.Errorf("%s: component %q is not a directory", k.at(n, where), entry)
		}
		if err := b.copyDir(rel); err != nil {
			return err
		}
		return b.kustomization(rel, false, false)
	})
	if err != nil {
		return err
	}
	if err := b.fileRefs(k); err != nil {
		return err
	}
	for _, field := range []string{"generators", "transformers", "validators"} {
		err := k.eachString(field, func(n *yaml.RNode, where, entry string) error {
			docs, ok, err := overlayInline(k.at(n, where), entry)
			if err != nil {
				return err
			}
			if ok {
				return overlayCheckPluginConfigs(k.at(n, where), docs)
			}
			rel, isDir, err := b.ref(k, n, where, entry)
			if err != nil {
				return err
			}
			if isDir {
				if err := b.copyDir(rel); err != nil {
					return err
				}
				return b.kustomization(rel, false, true)
			}
			if err := b.copyFile(rel); err != nil {
				return err
			}
			return b.checkPluginFile(rel)
		})
		if err != nil {
			return err
		}
	}
	if top {
		if err := k.insertBase(); err != nil {
			return err
		}
	}
	out, err := k.node.String()
	if err != nil {
		return fmt.Errorf("%s: %w", k.file, err)
	}
	return b.write(path.Join(overlayMemRoot, k.file), []byte(out))
}

// readKustomization finds and parses the kustomization file of dir.
func (b *overlayBuilder) readKustomization(dir string) (*overlayKust, error) {
	for _, name := range overlayKustomizationNames {
		file := path.Join(dir, name)
		if _, err := b.root.Stat(file); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		data, err := b.root.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if err := b.copyFile(file); err != nil {
			return nil, err
		}
		docs, err := kio.FromBytes(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var node *yaml.RNode
		switch len(docs) {
		case 0:
			node = yaml.NewMapRNode(nil)
		case 1:
			node = docs[0]
		default:
			return nil, fmt.Errorf("%s: %d YAML documents, want one kustomization", file, len(docs))
		}
		if node.YNode().Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s:%d:%d: a kustomization must be a mapping", file, node.YNode().Line, node.YNode().Column)
		}
		return &overlayKust{dir: dir, file: file, node: node}, nil
	}
	return nil, fmt.Errorf("no kustomization.yaml in %s", dir)
}

// eachString calls fn for every string entry of the list field name.
func (k *overlayKust) eachString(name string, fn func(n *yaml.RNode, where, entry string) error) error {
	list, err := k.list(k.node, name, name)
	if err != nil {
		return err
	}
	for i, n := range list {
		where := fmt.Sprintf("%s[%d]", name, i)
		if n.YNode().Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: want a string", k.at(n, where))
		}
		if err := fn(n, where, n.YNode().Value); err != nil {
			return err
		}
	}
	return nil
}

// list returns the elements of the list field name of m (nil when absent or null).
func (k *overlayKust) list(m *yaml.RNode, name, where string) ([]*yaml.RNode, error) {
	f := m.Field(name)
	if f == nil || yaml.IsYNodeEmptyDoc(f.Value.YNode()) || f.Value.YNode().Tag == yaml.NodeTagNull {
		return nil, nil
	}
	if f.Value.YNode().Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: want a list", k.at(f.Value, where))
	}
	return f.Value.Elements()
}

// fileRefs checks and copies the files named by patches, replacements, crds,
// configurations and the ConfigMap/Secret generators.
func (b *overlayBuilder) fileRefs(k *overlayKust) error {
	file := func(n *yaml.RNode, where, entry string) error {
		rel, isDir, err := b.ref(k, n, where, entry)
		if err != nil {
			return err
		}
		if isDir {
			return fmt.Errorf("%s: %q is a directory, want a file", k.at(n, where), entry)
		}
		return b.copyFile(rel)
	}
	for _, field := range []string{"crds", "configurations"} {
		if err := k.eachString(field, file); err != nil {
			return err
		}
	}
	err := k.eachString("patchesStrategicMerge", func(n *yaml.RNode, where, entry string) error {
		_, ok, err := overlayInline(k.at(n, where), entry)
		if ok || err != nil {
			return err
		}
		return file(n, where, entry)
	})
	if err != nil {
		return err
	}
	for _, field := range []string{"patches", "patchesJson6902", "replacements", "configMapGenerator", "secretGenerator"} {
		items, err := k.list(k.node, field, field)
		if err != nil {
			return err
		}
		for i, item := range items {
			where := fmt.Sprintf("%s[%d]", field, i)
			if item.YNode().Kind != yaml.MappingNode {
				return fmt.Errorf("%s: want a mapping", k.at(item, where))
			}
			var keys []string
			switch field {
			case "configMapGenerator", "secretGenerator":
				keys = []string{"files", "envs", "env"}
			default:
				keys = []string{"path"}
			}
			if p := item.Field("patch"); p != nil && p.Value.YNode().Kind == yaml.ScalarNode {
				if err := overlayBounded(k.at(p.Value, where+".patch"), []byte(p.Value.YNode().Value)); err != nil {
					return err
				}
			}
			for _, key := range keys {
				f := item.Field(key)
				if f == nil || f.Value.YNode().Tag == yaml.NodeTagNull {
					continue
				}
				v := f.Value
				if v.YNode().Kind == yaml.ScalarNode {
					if err := file(v, where+"."+key, v.YNode().Value); err != nil {
						return err
					}
					continue
				}
				if v.YNode().Kind != yaml.SequenceNode {
					return fmt.Errorf("%s: want a string or a list", k.at(v, where+"."+key))
				}
				elems, err := v.Elements()
				if err != nil {
					return err
				}
				for j, e := range elems {
					w := fmt.Sprintf("%s.%s[%d]", where, key, j)
					if e.YNode().Kind != yaml.ScalarNode {
						return fmt.Errorf("%s: want a string", k.at(e, w))
					}
					entry := e.YNode().Value
					if key == "files" {
						// "key=path" or "path"
						if _, p, ok := strings.Cut(entry, "="); ok {
							entry = p
						}
					}
					if err := file(e, w, entry); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// ref resolves a path entry of k to a root-relative path that exists, refusing remote
// references, absolute paths and paths leaving root.
func (b *overlayBuilder) ref(k *overlayKust, n *yaml.RNode, where, entry string) (rel string, isDir bool, err error) {
	if strings.HasPrefix(entry, OverlayComponentPrefix) {
		return "", false, fmt.Errorf("%s: %q: floe components are listed under components:", k.at(n, where), entry)
	}
	if overlayRemote(entry) {
		return "", false, fmt.Errorf("%s: remote reference %q refused: overlays use only files inside root", k.at(n, where), entry)
	}
	rel, err = overlayRootPath(k.dir, entry)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", k.at(n, where), err)
	}
	isDir, err = b.root.Stat(rel)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", k.at(n, where), err)
	}
	return rel, isDir, nil
}

// floeComponent checks a `floe:<name>` entry and points it at the embedded component.
func (b *overlayBuilder) floeComponent(k *overlayKust, n *yaml.RNode, where, name string) error {
	names := overlayComponentNames()
	i := sort.SearchStrings(names, name)
	if name == "" || i == len(names) || names[i] != name {
		return fmt.Errorf("%s: unknown floe component %q (floe ships: %s)", k.at(n, where),
			OverlayComponentPrefix+name, strings.Join(names, ", "))
	}
	n.YNode().Value = overlayRelMem(k.dir, path.Join(overlayMemComponents, name))
	n.YNode().Style = 0
	return nil
}

// insertBase makes the rendered base the first resource of the top kustomization.
func (k *overlayKust) insertBase() error {
	to := overlayRelMem(k.dir, overlayMemRendered)
	base := yaml.NewScalarRNode(to).YNode()
	f := k.node.Field("resources")
	if f == nil || f.Value.YNode().Tag == yaml.NodeTagNull || f.Value.YNode().Kind != yaml.SequenceNode {
		return k.node.PipeE(yaml.SetField("resources", yaml.NewListRNode(to)))
	}
	seq := f.Value.YNode()
	seq.Content = append([]*yaml.Node{base}, seq.Content...)
	return nil
}

// overlayRelMem is the in-memory path to, relative to the in-memory copy of dir.
func overlayRelMem(dir, to string) string {
	from := path.Join(overlayMemRoot, dir)
	// path has no Rel: climb to "/" and descend.
	up := strings.Count(strings.Trim(from, "/"), "/") + 1
	return strings.Repeat("../", up) + strings.TrimPrefix(to, "/")
}

// overlayRootPath joins a kustomization entry onto dir and refuses results that are
// absolute or leave root.
func overlayRootPath(dir, entry string) (string, error) {
	if entry == "" {
		return "", errors.New("empty path")
	}
	if strings.HasPrefix(entry, "/") || strings.HasPrefix(entry, `\`) {
		return "", overlayOutside(fmt.Sprintf("absolute path %q refused: paths are relative to the kustomization", entry))
	}
	rel := path.Clean(path.Join(dir, entry))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", overlayOutside(fmt.Sprintf("path %q leaves root", entry))
	}
	return rel, nil
}

// overlayOutside is an error about a path leaving root; it matches config.ErrOutsideRoot.
type overlayOutside string

func (e overlayOutside) Error() string        { return string(e) }
func (e overlayOutside) Is(target error) bool { return target == config.ErrOutsideRoot }

// overlayRemote reports entries that look like URLs or go-getter/git references.
func overlayRemote(s string) bool {
	l := strings.ToLower(s)
	for _, m := range []string{"://", "//", "?ref=", "?version=", "?submodules=", "?timeout=",
		"github.com/", "gitlab.com/", "bitbucket.org/", "dev.azure.com/"} {
		if strings.Contains(l, m) {
			return true
		}
	}
	return strings.HasPrefix(l, "git@") || strings.HasPrefix(l, "git::") || strings.Contains(l, ":")
}

// overlayInline parses entry as inline YAML objects (kustomize accepts inline
// generator/transformer configs and strategic-merge patches); ok is false for a path.
func overlayInline(where, entry string) ([]*yaml.RNode, bool, error) {
	if err := overlayBounded(where, []byte(entry)); err != nil {
		return nil, false, err
	}
	docs, err := kio.FromBytes([]byte(entry))
	if err != nil || len(docs) == 0 {
		return nil, false, nil
	}
	for _, d := range docs {
		if d.YNode().Kind != yaml.MappingNode {
			return nil, false, nil
		}
	}
	return docs, true, nil
}

// checkPluginFile checks a generator/transformer/validator configuration file.
func (b *overlayBuilder) checkPluginFile(rel string) error {
	data, err := b.root.ReadFile(rel)
	if err != nil {
		return err
	}
	docs, err := kio.FromBytes(data)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	for _, d := range docs {
		if err := overlayCheckPluginConfigs(fmt.Sprintf("%s:%d:%d", rel, d.YNode().Line, d.YNode().Column), []*yaml.RNode{d}); err != nil {
			return err
		}
	}
	return nil
}

// overlayFunctionAnnotations mark KRM function configurations (exec, container, starlark).
var overlayFunctionAnnotations = []string{"config.kubernetes.io/function", "config.k8s.io/function"}

// overlayCheckPluginConfigs allows only kustomize's builtin plugins (apiVersion: builtin),
// never a KRM function, an exec/Go plugin or Helm chart inflation.
func overlayCheckPluginConfigs(where string, docs []*yaml.RNode) error {
	for _, d := range docs {
		kind := d.GetKind()
		for _, a := range overlayFunctionAnnotations {
			if spec, ok := d.GetAnnotations()[a]; ok {
				return fmt.Errorf("%s: KRM function %s (%s) refused: exec and container functions never run in overlays",
					where, kind, overlayFunctionType(spec))
			}
		}
		if d.GetApiVersion() != "builtin" {
			return fmt.Errorf("%s: plugin %s (apiVersion %q) refused: only kustomize builtin plugins (apiVersion: builtin) run in overlays",
				where, kind, d.GetApiVersion())
		}
		if kind == "HelmChartInflationGenerator" {
			return fmt.Errorf("%s: %s refused: Helm chart inflation is refused in overlays", where, kind)
		}
	}
	return nil
}

// overlayFunctionType names the runtime a function annotation asks for.
func overlayFunctionType(spec string) string {
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

// overlayStrippedAnnotations are bookkeeping annotations of kio/kustomize that must not
// reach the output. User-facing config.kubernetes.io annotations (depends-on,
// local-config, apply-time-mutation) are kept.
var overlayStrippedAnnotations = map[string]bool{
	"config.kubernetes.io/index":                 true,
	"config.kubernetes.io/path":                  true,
	"config.kubernetes.io/id":                    true,
	"config.kubernetes.io/origin":                true,
	"config.k8s.io/id":                           true,
	"alpha.config.kubernetes.io/transformations": true,
}

var overlayStrippedPrefixes = []string{"internal.config.kubernetes.io/", "kustomize.config.k8s.io/"}

// overlayStripAnnotations removes kustomize's bookkeeping annotations from n, and the
// annotations field when that leaves it empty.
func overlayStripAnnotations(n *yaml.RNode) error {
	anns := n.GetAnnotations()
	if len(anns) == 0 {
		return nil
	}
	keys := make([]string, 0, len(anns))
	for k := range anns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	removed := 0
	for _, k := range keys {
		strip := overlayStrippedAnnotations[k]
		for _, p := range overlayStrippedPrefixes {
			strip = strip || strings.HasPrefix(k, p)
		}
		if !strip {
			continue
		}
		if _, err := n.Pipe(yaml.ClearAnnotation(k)); err != nil {
			return err
		}
		removed++
	}
	if removed > 0 && removed == len(anns) {
		return yaml.ClearEmptyAnnotations(n)
	}
	return nil
}
