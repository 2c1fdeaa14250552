package postrender

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/atomicwrite"
	"github.com/floe-dev/floe/policies"
)

// Inputs are the loaded documents of one post-render.
type Inputs struct {
	Contract *config.Contract
	Manifest *config.Manifest // nil when the contract names none reachable in root
	Product  *config.FloeSpec // nil without --product
	// Locations are the products a platform chart's code locations are mapped to, by
	// code location name (LoadLocations).
	Locations map[string]*config.FloeSpec
	Bundles   []policies.Module
	Warnings  diag.List
}

// Load reads the contract, the platform Manifest it names and, when productRel is
// set, the product (all root-relative), plus the contract's policy bundles.
func Load(root config.Root, contractRel, productRel string) (*Inputs, error) {
	in := &Inputs{}
	if productRel != "" {
		all, ds := config.Load(root, contractRel, productRel)
		if ds.HasErrors() {
			return nil, ds
		}
		in.Contract, in.Manifest, in.Product, in.Warnings = all.Contract, all.Manifest, all.Product, all.Warnings
	} else {
		c, ds := config.LoadContract(root, contractRel)
		if ds.HasErrors() {
			return nil, ds
		}
		in.Contract, in.Warnings = c, ds.Warnings()
		if pm := c.Environment.PlatformManifest; pm.Source != "oci" && pm.Path != "" {
			m, ds := config.LoadManifest(root, pm.Path)
			if ds.HasErrors() {
				return nil, ds
			}
			in.Manifest = m
			in.Warnings = append(in.Warnings, config.SilenceWarnings(c, ds.Warnings())...)
		}
	}
	mods, err := policies.ContractBundles(root, in.Contract)
	if err != nil {
		return nil, diag.Usage(err)
	}
	in.Bundles = mods
	return in, nil
}

// LoadLocations is Load for a platform chart: the contract, its Manifest and bundles,
// and the product each code location is mapped to (code location name → root-relative
// floe.yaml or its directory), each loaded and checked against the contract as Load
// does. Every product's problems are reported, in code location order.
func LoadLocations(root config.Root, contractRel string, locations map[string]string) (*Inputs, error) {
	in, err := Load(root, contractRel, "")
	if err != nil {
		return nil, err
	}
	in.Locations = make(map[string]*config.FloeSpec, len(locations))
	seen := map[string]bool{}
	for _, w := range in.Warnings {
		seen[w.String()] = true
	}
	var problems diag.List
	for _, name := range slices.Sorted(maps.Keys(locations)) {
		all, ds := config.Load(root, contractRel, locations[name])
		if ds.HasErrors() {
			problems = append(problems, ds.Errors()...)
			continue
		}
		for _, w := range all.Warnings {
			if !seen[w.String()] {
				seen[w.String()] = true
				in.Warnings = append(in.Warnings, w)
			}
		}
		in.Locations[name] = all.Product
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return in, nil
}

// LogPath is where a failed post-render also leaves its diagnostics, because Helm 4
// drops a plugin's stderr: $FLOE_POST_RENDER_LOG, else post-render.log in floe's own
// directory under $TMPDIR (PrivateDir).
func LogPath(getenv func(string) string) string {
	if p := getenv("FLOE_POST_RENDER_LOG"); p != "" {
		return p
	}
	dir := getenv("TMPDIR")
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, privateDirName(), "post-render.log")
}

// WriteLog records msg at p (mode 0600); an empty msg removes a stale log (floe
// post-render writes one on every run, D-PR-09). The log is
// written under a temporary name and renamed into place, so a symlink planted at p is
// replaced, never followed; when p is in floe's own directory under $TMPDIR, that
// directory is created (0700) or checked to be floe's (PrivateDir) first. It returns
// the error of the write, which callers mention but do not fail on.
func WriteLog(p, msg string) error {
	if filepath.Base(filepath.Dir(p)) == privateDirName() {
		if err := PrivateDir(filepath.Dir(p)); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	if msg == "" {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) { // a link itself, not its target
			return err
		}
		return nil
	}
	if err := atomicwrite.WriteFile(p, []byte(msg+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing %w", err)
	}
	return nil
}
