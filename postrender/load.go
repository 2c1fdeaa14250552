package postrender

import (
	"fmt"
	"os"
	"path/filepath"

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
	Bundles  []policies.Module
	Warnings diag.List
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

// WriteLog records msg at p (mode 0600); an empty msg removes a stale log. The log is
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
