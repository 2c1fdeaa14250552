package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Inputs are the files the image is built from and where it goes.
type Inputs struct {
	Binary, Plugin, Out string
	// Ref, if set, names the image in the layout's index (the OCI ref.name annotation,
	// what `skopeo copy oci:DIR:REF` and `crane` select by); the image digest is the same.
	Ref string
}

// Paths inside the image.
const (
	BinaryPath = "/usr/local/bin/floe"
	PluginPath = "/home/argocd/cmp-server/config/plugin.yaml"
	UID        = 999
	// RefAnnotation is the OCI index annotation naming an image.
	RefAnnotation = "org.opencontainers.image.ref.name"
)

// epoch is every timestamp in the image: SOURCE_DATE_EPOCH, else 0.
func epoch() time.Time {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Unix(0, 0).UTC()
}

type file struct {
	name string
	mode int64
	dir  bool
	body []byte
	uid  int
}

// layerTar is the layer: directories first, then files, in this fixed order.
func layerTar(binary, plugin []byte, when time.Time) ([]byte, error) {
	entries := []file{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/group", mode: 0o644, body: []byte("root:x:0:\nargocd:x:999:\n")},
		{name: "etc/passwd", mode: 0o644, body: []byte("root:x:0:0:root:/root:/sbin/nologin\nargocd:x:999:999:argocd:/home/argocd:/sbin/nologin\n")},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/argocd/", mode: 0o755, dir: true, uid: UID},
		{name: "home/argocd/cmp-server/", mode: 0o755, dir: true, uid: UID},
		{name: "home/argocd/cmp-server/config/", mode: 0o755, dir: true, uid: UID},
		{name: "home/argocd/cmp-server/config/plugin.yaml", mode: 0o644, body: plugin},
		{name: "home/argocd/cmp-server/plugins/", mode: 0o755, dir: true, uid: UID},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/local/", mode: 0o755, dir: true},
		{name: "usr/local/bin/", mode: 0o755, dir: true},
		{name: "usr/local/bin/floe", mode: 0o755, body: binary},
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: when, Uid: e.uid, Gid: e.uid, Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Image builds the image from the binary and plugin.yaml bytes.
func Image(binary, plugin []byte) (v1.Image, error) {
	when := epoch()
	tarBytes, err := layerTar(binary, plugin, when)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: when}, CreatedBy: "floe tools/image", Comment: "floe binary, plugin.yaml, passwd",
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: when}
	cf.Config.User = strconv.Itoa(UID)
	cf.Config.WorkingDir = "/home/argocd"
	cf.Config.Entrypoint = []string{BinaryPath, "cmp-server"}
	cf.Config.Env = []string{"PATH=/usr/local/bin", "HOME=/home/argocd"}
	cf.Config.Labels = map[string]string{"org.opencontainers.image.title": "floe Argo CD config management plugin"}
	return mutate.ConfigFile(img, cf)
}

// Build writes the image as an OCI layout at in.Out (replacing it) and returns its
// manifest digest.
func Build(in Inputs) (string, error) {
	binary, err := os.ReadFile(in.Binary)
	if err != nil {
		return "", err
	}
	plugin, err := os.ReadFile(in.Plugin)
	if err != nil {
		return "", err
	}
	img, err := Image(binary, plugin)
	if err != nil {
		return "", err
	}
	if err := os.RemoveAll(in.Out); err != nil {
		return "", err
	}
	p, err := layout.Write(in.Out, empty.Index)
	if err != nil {
		return "", err
	}
	var opts []layout.Option
	if in.Ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{RefAnnotation: in.Ref}))
	}
	if err := p.AppendImage(img, opts...); err != nil {
		return "", err
	}
	d, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	return d.String(), nil
}
