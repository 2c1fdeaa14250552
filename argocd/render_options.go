package argocd

import (
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/render"
)

// RenderOptions are the render options of an Application: both doors (`floe argocd
// generate` over the unpacked directory, `floe cmp-server` over the in-memory tarball)
// render with exactly these, so they render alike.
func (o Options) RenderOptions(root config.Root, now time.Time, floeVersion string) render.Options {
	return render.Options{
		Root:         root,
		ContractPath: o.ContractPath,
		ProductPath:  o.ProductPath,
		Runtime:      o.Runtime,
		ImageTag:     o.ImageTag,
		Enforcement:  o.Enforcement,
		Annotations:  o.Annotations,
		Now:          now,
		FloeVersion:  floeVersion,
	}
}

// Announce is the dynamic parameter announcement for o (`floe argocd parameters`), the
// contract, when one is configured, read from root.
func Announce(o Options, root config.Root) ([]Announcement, error) {
	var info *ContractInfo
	if o.ContractPath != "" {
		c, ds := config.LoadContract(root, o.ContractPath)
		if ds.HasErrors() {
			return nil, ds
		}
		info = &ContractInfo{
			Name:        c.Metadata.Name,
			Environment: c.Environment.Name,
			Namespace:   c.Environment.Kubernetes.Namespace,
			Runtime:     c.Runtime.RecommendedAlphaSpine,
		}
		if cc := c.Plugins.Compute; cc != nil {
			info.DefaultCompute = cc.Default
			for _, a := range cc.Approved {
				info.Compute = append(info.Compute, a.Name)
			}
		}
	}
	return Parameters(o, info), nil
}
