package render

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
)

// WorkspaceOptions select `floe workspace --all DIR` (D-WS-01): every product under Dir
// rendered against one contract, exactly as `floe render --all` renders it, and the
// Dagster code locations gathered from what the renders produced.
type WorkspaceOptions struct {
	// Options are shared by every product (Root, ContractPath, ImageTag, Enforcement,
	// FloeVersion); ProductPath is ignored and Runtime is the contract's.
	Options
	// Dir is the root-relative directory searched for floe.yaml files (FindProducts).
	Dir string
	// Jobs is the number of products rendered at once; 0 = GOMAXPROCS.
	Jobs int
}

// Location is one product's Dagster code location: the code server's Service as the
// product's render gives it.
type Location struct {
	Name      string // location_name: the product's metadata.name
	Product   string // root-relative directory holding the product's floe.yaml
	Service   string // the code server's Service
	Namespace string // its namespace
	Port      int    // its gRPC port
}

// Host is the location's namespace-qualified Service address (D-WS-02), which resolves
// from any namespace of the cluster.
func (l Location) Host() string {
	return l.Service + "." + l.Namespace + ".svc.cluster.local"
}

// Workspace is a successful `floe workspace`.
type Workspace struct {
	// Locations are the Dagster products' code locations, sorted by name (D-WS-03).
	Locations []Location
	// Namespace and ReleaseName are the contract's environment.kubernetes settings: the
	// defaults of the ConfigMap form's namespace and name.
	Namespace, ReleaseName string
	// Warnings are every product's warnings, sorted, each once.
	Warnings diag.List
}

// BuildWorkspace gathers the workspace with the process-wide Engine (see Render).
func BuildWorkspace(ctx context.Context, opts WorkspaceOptions) (*Workspace, error) {
	e, err := processEngine()
	if err != nil {
		return nil, err
	}
	return e.Workspace(ctx, opts)
}

// Workspace renders every product under opts.Dir (the same discovery, load, resolve,
// charts, filters and gate as Batch) and keeps, of each Dagster product, its code
// server's Service: the one Service of its render with a port named grpc. Products of
// another runtime are left out. Any product that fails to render, a Dagster render
// without exactly one such Service, two products with the same location name, or no
// Dagster product at all fails the whole workspace (exit 2, or 3 for an internal error),
// every failure named by its product.
func (e *Engine) Workspace(ctx context.Context, opts WorkspaceOptions) (*Workspace, error) {
	const command = "workspace --all"
	if opts.Root == nil {
		return nil, diag.Usage(errors.New(command + ": no root"))
	}
	if opts.ContractPath == "" {
		return nil, diag.Usage(errors.New(command + ": --contract is required"))
	}
	opts.Runtime = "" // the contract's: a workspace lists the products that run on Dagster
	found, err := findBatch(command, opts.Options, opts.Dir)
	if err != nil {
		return nil, err
	}
	locations := make([]*Location, len(found.products))
	results, err := e.renderEach(ctx, found.base, found.products, opts.Jobs, func(i int, res *Result, _ *productRender) error {
		if res.Runtime != RuntimeDagster {
			return nil
		}
		l, err := codeServer(res.Objects)
		if err != nil {
			return diag.Usage(err)
		}
		l.Product = found.products[i]
		l.Name = res.Evidence.Product.Name
		locations[i] = &l
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, batchErr := report(found.products, found.products, found.warnings, results)
	if batchErr != nil {
		batchErr.Command = command
		return nil, workspaceFailure{batchErr}
	}
	ws := &Workspace{Warnings: out.Warnings}
	byName := map[string]string{}
	for _, l := range locations {
		if l == nil {
			continue
		}
		if prev, dup := byName[l.Name]; dup {
			return nil, diag.Usage(fmt.Errorf("%s: %s/floe.yaml and %s/floe.yaml are both the code location %q; a workspace names each location once", command, prev, l.Product, l.Name))
		}
		byName[l.Name] = l.Product
		ws.Locations = append(ws.Locations, *l)
	}
	if len(ws.Locations) == 0 {
		return nil, diag.Usage(fmt.Errorf("%s %s: none of the %d product(s) runs on Dagster (the contract's runtime.recommendedAlphaSpine is not dagster)", command, found.dir, len(found.products)))
	}
	slices.SortFunc(ws.Locations, func(a, b Location) int { return strings.Compare(a.Name, b.Name) })
	// Every product rendered against this contract, so it loads (from the cache).
	c, ds := config.LoadContract(found.base.Root, found.base.ContractPath)
	if ds.HasErrors() {
		return nil, ds
	}
	ws.Namespace, ws.ReleaseName = c.Environment.Kubernetes.Namespace, c.Environment.Kubernetes.ReleaseName
	return ws, nil
}

// codeServer finds the code server's Service among a Dagster render's objects: exactly
// one Service with a port named grpc (D-WS-02).
func codeServer(objs []*yaml.RNode) (Location, error) {
	var found []Location
	for _, o := range objs {
		if o.GetKind() != "Service" || o.GetApiVersion() != "v1" {
			continue
		}
		ports, err := o.Pipe(yaml.Lookup("spec", "ports"))
		if err != nil || ports == nil {
			continue
		}
		elems, err := ports.Elements()
		if err != nil {
			continue
		}
		for _, p := range elems {
			if scalarField(p, "name") != "grpc" {
				continue
			}
			port, err := strconv.Atoi(scalarField(p, "port"))
			if err != nil || port <= 0 || port > 65535 {
				return Location{}, fmt.Errorf("Service/%s: port grpc is not a port number", o.GetName())
			}
			found = append(found, Location{Service: o.GetName(), Namespace: o.GetNamespace(), Port: port})
		}
	}
	switch len(found) {
	case 1:
		if found[0].Service == "" {
			return Location{}, errors.New("the code-server Service has no name")
		}
		if found[0].Namespace == "" {
			return Location{}, fmt.Errorf("Service/%s has no namespace", found[0].Service)
		}
		return found[0], nil
	case 0:
		return Location{}, errors.New("the Dagster render has no code-server Service (a Service with a port named grpc)")
	default:
		names := make([]string, len(found))
		for i, l := range found {
			names[i] = "Service/" + l.Service
		}
		return Location{}, fmt.Errorf("the Dagster render has %d Services with a port named grpc (%s); a code location is one Service", len(found), strings.Join(names, ", "))
	}
}

// workspaceFailure is a failed product of a workspace: exit 2 even for a policy denial
// (there is no "no" answer to "gather the workspace"), 3 for an internal error.
type workspaceFailure struct{ *BatchError }

func (w workspaceFailure) Unwrap() error { return w.BatchError }

// ExitCode implements diag.ExitCode.
func (w workspaceFailure) ExitCode() int { return max(2, w.BatchError.ExitCode()) }

// scalarField is the value of a mapping's scalar field, "" when n is not a mapping or
// the field is absent or not a scalar.
func scalarField(n *yaml.RNode, key string) string {
	if n.YNode().Kind != yaml.MappingNode {
		return ""
	}
	f := n.Field(key)
	if f == nil || f.Value.YNode().Kind != yaml.ScalarNode {
		return ""
	}
	return f.Value.YNode().Value
}
