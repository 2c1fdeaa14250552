package config

import "github.com/floe-dev/floe/diag"

// LoadPlatform loads a contract and the platform Manifest it names (inheritance
// resolved) without a product, and checks them against each other: what a platform
// engineer validates before any product uses them. Inputs (Product nil) is nil when the
// list holds errors; the list also carries every warning.
func LoadPlatform(root Root, contractRel string) (*Inputs, diag.List) {
	in := &Inputs{Root: root}
	c, all := loadContract(root, contractRel)
	contractOK := c != nil && !all.HasErrors()
	in.Contract = c
	if contractOK {
		switch pm := c.Environment.PlatformManifest; {
		case pm.Source == "oci":
			all = append(all, locate(c.Source, "environment.platformManifest.ociRef", diag.Error,
				"OCI manifests are not fetched; use a git path (environment.platformManifest.source: git)"))
		case pm.Path != "":
			m, ds := loadManifest(root, pm.Path)
			all = append(all, ds...)
			in.Manifest = m
			if m != nil && !ds.HasErrors() {
				all = append(all, platformCheck(c, m, true)...)
			}
		}
	}
	all = SilenceWarnings(in.Contract, finish(all))
	in.Warnings = all.Warnings()
	if all.HasErrors() {
		return nil, all
	}
	return in, all
}
