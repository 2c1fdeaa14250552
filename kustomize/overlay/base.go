package overlay

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ComponentPrefix marks a `components:` entry that names a component shipped with floe
// (kustomize/overlay/components/<name>) instead of a directory inside root.
const ComponentPrefix = "floe:"

//go:embed all:components
var componentFS embed.FS

// writeRendered writes objs as the generated base kustomization.
func (b *builder) writeRendered(objs []*yaml.RNode) error {
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
		if err := b.write(memoryRendered+"/rendered.yaml", []byte(sb.String())); err != nil {
			return err
		}
	}
	return b.write(memoryRendered+"/kustomization.yaml", []byte(kust))
}

// writeComponents copies floe's embedded components to memoryComponents.
func (b *builder) writeComponents() error {
	return fs.WalkDir(componentFS, "components", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := componentFS.ReadFile(p)
		if err != nil {
			return err
		}
		return b.write(path.Join(memoryComponents, strings.TrimPrefix(p, "components/")), data)
	})
}

// componentNames lists floe's components, sorted.
func componentNames() []string {
	entries, _ := componentFS.ReadDir("components")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}
