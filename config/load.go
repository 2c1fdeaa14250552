package config

import (
	"fmt"
	"path"
	"strings"

	"github.com/floe-dev/floe/diag"
)

// Inputs are the three loaded, validated documents of one render.
type Inputs struct {
	Root     Root
	Contract *Contract // nil when validating a product without --contract
	Manifest *Manifest // effective (inheritance resolved); nil when none was reachable
	Product  *FloeSpec
	// ProductDir is the root-relative directory holding floe.yaml.
	ProductDir string
	// Warnings are every warning-severity diagnostic found while loading.
	Warnings diag.List
}

// checker collects validation diagnostics located through a Source.
type checker struct {
	src   *Source
	bad   map[string]bool
	diags diag.List
}

func newChecker(src *Source, bad map[string]bool) *checker {
	if bad == nil {
		bad = map[string]bool{}
	}
	return &checker{src: src, bad: bad}
}

// quiet reports whether path or one of its ancestors failed to decode.
func (c *checker) quiet(p string) bool {
	if c.bad[""] {
		return true
	}
	for q := p; q != ""; {
		if c.bad[q] {
			return true
		}
		i := strings.LastIndexAny(q, ".[")
		if i < 0 {
			break
		}
		q = q[:i]
	}
	return false
}

func (c *checker) add(sev diag.Severity, p, format string, args ...any) {
	if c.quiet(p) {
		return
	}
	line, col := c.src.Pos(p)
	c.diags = append(c.diags, diag.Diagnostic{File: c.src.Path, Line: line, Col: col, Path: p, Message: fmt.Sprintf(format, args...), Severity: sev})
}

func (c *checker) errorf(p, format string, args ...any) { c.add(diag.Error, p, format, args...) }
func (c *checker) warnf(p, format string, args ...any)  { c.add(diag.Warning, p, format, args...) }

// required reports a missing or empty required string; true when the value is present.
func (c *checker) required(p, v string) bool {
	if v != "" {
		return true
	}
	if c.src.Has(p) {
		c.errorf(p, "must not be empty")
	} else {
		c.errorf(p, "required field is missing")
	}
	return false
}

// readSource reads and parses one root-relative file.
func readSource(root Root, rel string) (*Source, diag.List) {
	c, err := CleanRel(rel)
	if err != nil {
		return nil, diag.Errorf(rel, "", "%v", err)
	}
	data, err := root.ReadFile(c)
	if err != nil {
		return nil, diag.Errorf(c, "", "%s", strings.TrimPrefix(err.Error(), c+": "))
	}
	return ParseSource(c, data)
}

func finish(ds diag.List) diag.List {
	ds.Sort()
	return ds
}

// LoadContract loads and validates a PlatformEnvironmentContract (D-IN-01).
// The contract is nil when the list holds errors.
func LoadContract(root Root, rel string) (*Contract, diag.List) {
	c, ds := loadContract(root, rel)
	ds = SilenceWarnings(c, finish(ds))
	if ds.HasErrors() {
		return nil, ds
	}
	return c, ds
}

func loadContract(root Root, rel string) (*Contract, diag.List) {
	src, ds := readSource(root, rel)
	if src == nil {
		return nil, ds
	}
	if ds := wrongKind(src, KindContract, "--contract"); ds != nil {
		return nil, ds
	}
	c := &Contract{Source: src}
	d := newDecoder(src.Path)
	d.decodeDoc(src.Node, c)
	ck := newChecker(src, d.bad)
	validateContract(ck, c, root)
	return c, append(d.diags, ck.diags...)
}

// LoadProduct loads and validates a floe.yaml (D-IN-15). rel may name the file or the
// directory holding floe.yaml. The spec is nil when the list holds errors.
func LoadProduct(root Root, rel string) (*FloeSpec, diag.List) {
	p, ds := loadProduct(root, rel)
	ds = finish(ds)
	if ds.HasErrors() {
		return nil, ds
	}
	return p, ds
}

// ProductFile resolves a PRODUCT argument (a directory holding floe.yaml, or the file).
func ProductFile(root Root, rel string) (string, error) {
	c, err := CleanRel(rel)
	if err != nil {
		return "", err
	}
	isDir, err := root.Stat(c)
	if err != nil {
		return "", err
	}
	if isDir {
		return CleanRel(path.Join(c, "floe.yaml"))
	}
	return c, nil
}

func loadProduct(root Root, rel string) (*FloeSpec, diag.List) {
	file, err := ProductFile(root, rel)
	if err != nil {
		return nil, diag.Errorf(rel, "", "%s", strings.TrimPrefix(err.Error(), rel+": "))
	}
	src, ds := readSource(root, file)
	if src == nil {
		return nil, ds
	}
	if ds := wrongKind(src, KindProduct, "PRODUCT"); ds != nil {
		return nil, ds
	}
	p := &FloeSpec{Source: src}
	d := newDecoder(src.Path)
	d.quietUnknown = isForbiddenSpecKey
	d.decodeDoc(src.Node, p)
	ck := newChecker(src, d.bad)
	validateProduct(ck, p)
	return p, append(d.diags, ck.diags...)
}

// Load loads the contract, the platform Manifest it names (inheritance resolved) and the
// product, validates each and checks them against each other (D-IN-13: X-01… ).
// With contractRel == "", only the product is loaded, plus the manifest its
// platform.manifest names when that is a local path. Inputs is nil when the list holds
// errors; the list also carries every warning (copied into Inputs.Warnings).
func Load(root Root, contractRel, productRel string) (*Inputs, diag.List) {
	in := &Inputs{Root: root}
	var all diag.List

	product, ds := loadProduct(root, productRel)
	all = append(all, ds...)
	productOK := product != nil && !ds.HasErrors()
	if product != nil {
		in.ProductDir = path.Dir(product.Source.Path)
	}

	var manifestRel string
	var contractOK bool
	if contractRel != "" {
		c, ds := loadContract(root, contractRel)
		all = append(all, ds...)
		contractOK = c != nil && !ds.HasErrors()
		in.Contract = c
		if contractOK {
			pm := c.Environment.PlatformManifest
			if pm.Source == "oci" {
				p := "environment.platformManifest.ociRef"
				line, col := c.Source.Pos(p)
				all = append(all, diag.Diagnostic{File: c.Source.Path, Line: line, Col: col, Path: p,
					Message: "OCI manifests are not fetched; use a git path (environment.platformManifest.source: git)"})
			} else {
				manifestRel = pm.Path
			}
		}
	} else if productOK && product.Platform != nil && !isOCI(product.Platform.Manifest) {
		if rel, err := JoinRel(in.ProductDir, product.Platform.Manifest); err == nil {
			if isDir, err := root.Stat(rel); err == nil && !isDir {
				manifestRel = rel // otherwise crossCheck reports it at platform.manifest
			}
		}
	}

	var manifestOK bool
	if manifestRel != "" {
		m, ds := loadManifest(root, manifestRel)
		all = append(all, ds...)
		manifestOK = m != nil && !ds.HasErrors()
		in.Manifest = m
	}

	if product != nil {
		// cross-document rules also run on a product with errors: every problem is reported
		in.Product = product
		all = append(all, crossCheck(in, contractOK, manifestOK)...)
	}
	all = SilenceWarnings(in.Contract, finish(all))
	in.Warnings = all.Warnings()
	if all.HasErrors() {
		return nil, all
	}
	return in, all
}

func isOCI(ref string) bool { return strings.HasPrefix(ref, "oci://") }
