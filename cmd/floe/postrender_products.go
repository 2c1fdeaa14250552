package main

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/render"
)

// splitProducts sorts post-render's --product values: PATH attributes the whole chart
// to one product (at most one), NAME=PATH maps the code location NAME (a DNS label,
// as Dagster's chart names a user deployment's Service) to a product.
func splitProducts(values []string) (single string, mapped map[string]string, err error) {
	mapped = map[string]string{}
	for _, v := range values {
		if v == "" {
			return "", nil, diag.Usage(errors.New("post-render: --product is empty"))
		}
		name, p, isMapping := strings.Cut(v, "=")
		if isMapping && !strings.ContainsAny(name, `/\`) {
			if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
				return "", nil, diag.Usage(fmt.Errorf("post-render: --product %s: code location %q: %s", v, name, strings.Join(msgs, "; ")))
			}
			if p == "" {
				return "", nil, diag.Usage(fmt.Errorf("post-render: --product %s: no floe.yaml after %q", v, name+"="))
			}
			if old, dup := mapped[name]; dup {
				return "", nil, diag.Usage(fmt.Errorf("post-render: --product: code location %q is mapped twice (%s, %s)", name, old, p))
			}
			mapped[name] = p
			continue
		}
		if single != "" {
			return "", nil, diag.Usage(fmt.Errorf("post-render: --product given twice (%s, %s): map code locations with --product NAME=FILE", single, v))
		}
		single = v
	}
	return single, mapped, nil
}

// locationProducts maps code location names to root-relative product paths: every
// product found under the --products directories (D-PR-05: the code location named
// like the product's metadata.name), then the --product NAME=PATH mappings, which win.
// Two products of one name under the directories are an error.
func locationProducts(root config.Root, cwd string, mapped map[string]string, dirs []string) (map[string]string, error) {
	out := map[string]string{}
	var errs []error
	for _, dir := range dirs {
		rel, err := config.RootRel(root.Dir(), cwd, dir)
		if err != nil {
			return nil, diag.Usage(fmt.Errorf("post-render: --products %w", err))
		}
		found, _, err := render.FindProducts(root, "post-render --products", rel)
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			spec, ds := config.LoadProduct(root, p)
			if ds.HasErrors() {
				return nil, ds
			}
			name := spec.Metadata.Name
			if old, dup := out[name]; dup && old != p {
				errs = append(errs, fmt.Errorf("post-render: --products: two products are named %q (%s, %s): a code location can have only one", name, old, p))
				continue
			}
			out[name] = p
		}
	}
	if len(errs) > 0 {
		return nil, diag.Usage(errors.Join(errs...))
	}
	for name, p := range mapped {
		rel, err := config.RootRel(root.Dir(), cwd, p)
		if err != nil {
			return nil, diag.Usage(fmt.Errorf("post-render: --product %s=%w", name, err))
		}
		out[name] = rel
	}
	return out, nil
}
