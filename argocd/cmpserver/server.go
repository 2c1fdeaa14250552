package cmpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	kubeyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/floe-dev/floe/argocd"
	"github.com/floe-dev/floe/argocd/cmpapi"
	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/internal/secretshape"
	"github.com/floe-dev/floe/render"
)

// Config configures a Service.
type Config struct {
	Limits        Limits
	MaxConcurrent int           // requests served at once; the rest wait (under their deadline)
	CacheTTL      time.Duration // how long a cached render is served
	CacheEntries  int           // renders kept; 0 disables the cache
	CacheBytes    int64         // bytes of renders kept at most; 0: no byte bound
	Memory        MemoryBound   // the server's memory bound (D-ARGO-09)
	// Getenv is the sidecar's own environment, under the variables each request sends
	// (as argocd-cmp-server runs a plugin command with its environment plus the request's).
	Getenv func(string) string
	// Now is the render time for an environment (SOURCE_DATE_EPOCH, else the clock) and
	// whether it is fixed by the environment.
	Now         func(getenv func(string) string) (time.Time, bool)
	Clock       func() time.Time // the cache's clock
	FloeVersion string
	// Render renders one product (render.Render: the process engine, policies compiled once).
	Render func(context.Context, render.Options) (*render.Result, error)
	// Logf logs a request's progress (nil: nothing is logged).
	Logf func(format string, args ...any)
	// Attest, when set, attests every manifest set returned (attest.go, D-EVD-10).
	Attest Attestor
}

// Service is floe's ConfigManagementPluginService.
type Service struct {
	cfg      Config
	plugin   *argocd.Plugin
	slots    chan struct{}
	cache    *renderCache
	unpacked unpackCounts
	// attested maps the manifest sets attested to their stream digests (attest.go).
	attested attestedStreams
}

// New returns a Service for floe's embedded plugin.yaml.
func New(cfg Config) (*Service, error) {
	p, err := argocd.ParsePlugin(argocd.PluginYAML)
	if err != nil {
		return nil, err
	}
	if cfg.MaxConcurrent < 1 {
		cfg.MaxConcurrent = 1
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Service{
		cfg:      cfg,
		plugin:   p,
		slots:    make(chan struct{}, cfg.MaxConcurrent),
		cache:    newRenderCache(cfg.CacheTTL, cfg.CacheEntries, cfg.CacheBytes, cfg.Clock),
		attested: attestedStreams{max: cfg.CacheEntries},
	}, nil
}

// SocketName is the socket file argocd-cmp-server would use for this plugin
// (<name>-<version>.sock): the repo-server finds the plugin by it.
func (s *Service) SocketName() string {
	name := s.plugin.Metadata.Name
	if s.plugin.Spec.Version != "" {
		name += "-" + s.plugin.Spec.Version
	}
	return name + ".sock"
}

// CacheStats reports the render cache's hits and misses and what the tarballs received
// held and kept in memory.
func (s *Service) CacheStats() Stats {
	st := s.cache.stats()
	s.unpacked.into(&st)
	return st
}

// deadlineBuffer ends server-side work this long before the request's deadline, so the
// error reaches the client before it gives up (as argocd-cmp-server does).
const deadlineBuffer = 100 * time.Millisecond

// begin takes a slot and returns the request's context (its deadline less the buffer).
func (s *Service) begin(stream cmpapi.Stream) (context.Context, func(), error) {
	ctx, cancel := context.WithCancel(stream.Context())
	if d, ok := ctx.Deadline(); ok {
		cancel()
		ctx, cancel = context.WithDeadline(stream.Context(), d.Add(-deadlineBuffer))
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		cancel()
		return nil, nil, fmt.Errorf("waiting for a free slot: %w", ctx.Err())
	}
	return ctx, func() { <-s.slots; cancel() }, nil
}

// ctxStream is a stream whose context is the request's, shortened.
type ctxStream struct {
	cmpapi.Stream
	ctx context.Context
}

func (c ctxStream) Context() context.Context { return c.ctx }

// virtualBase is the directory the in-memory root stands for when the Application's
// environment is read (argocd.FromEnv takes the working directory apart).
const virtualBase = "/floe-cmp"

// request is a received request: its metadata, root, environment and options.
type request struct {
	md     *cmpapi.ManifestRequestMetadata
	root   *memRoot
	getenv func(string) string
	cwd    string
}

func (s *Service) receive(ctx context.Context, stream cmpapi.Stream, call string) (*request, error) {
	var (
		getenv func(string) string
		cwd    string
		relErr error
	)
	md, root, err := receive(ctxStream{stream, ctx}, s.cfg.Limits, func(md *cmpapi.ManifestRequestMetadata) keepFunc {
		if s.cfg.Logf != nil {
			s.cfg.Logf("%s %q: receiving the tarball", call, md.AppRelPath)
		}
		getenv = s.environment(md)
		var rel string
		if rel, relErr = config.CleanRel(md.AppRelPath); relErr == nil {
			cwd = path.Join(virtualBase, rel)
		}
		return s.keep(getenv, cwd)
	})
	if err != nil {
		return nil, err
	}
	if relErr != nil {
		root.release()
		return nil, fmt.Errorf("illegal appPath %s: not a path inside the repository", quoteShort(md.AppRelPath))
	}
	return &request{md: md, root: root, getenv: getenv, cwd: cwd}, nil
}

// environment is the request's environment over the sidecar's own.
func (s *Service) environment(md *cmpapi.ManifestRequestMetadata) func(string) string {
	env := map[string]string{}
	for _, e := range md.Env {
		if e != nil && e.Name != "" {
			env[e.Name] = e.Value
		}
	}
	return func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if s.cfg.Getenv != nil {
			return s.cfg.Getenv(k)
		}
		return ""
	}
}

// keep is which files a request keeps in memory as its tarball streams in (D-ARGO-08):
// the cache's keep set (the files cached renders read, other products' floe.yaml
// aside), the Application's floe.yaml and the contract its environment names. Those are
// every file a cached render of this Application read, so a hit is decided from memory;
// any other file read later costs one unpacking of the rest (memRoot.fill).
func (s *Service) keep(getenv func(string) string, cwd string) keepFunc {
	var own []string
	if cwd != "" {
		if o, err := argocd.ReadEnv(getenv, cwd); err == nil && o.Root == virtualBase {
			for _, p := range []string{o.ProductPath, o.ContractPath} {
				if c, err := config.CleanRel(p); err == nil && p != "" {
					own = append(own, c)
				}
			}
		}
	}
	return func(c string) bool { return slices.Contains(own, c) || s.cache.keeps(c) }
}

// finish ends a request: its tarball's compressed bytes are dropped and its counts added
// to the service's.
func (s *Service) finish(req *request) {
	fell := req.root.release()
	s.unpacked.add(req.root.count, fell)
}

// GenerateManifest implements cmpapi.Server: floe argocd generate, in process.
func (s *Service) GenerateManifest(stream cmpapi.Stream) (*cmpapi.ManifestResponse, error) {
	ctx, done, err := s.begin(stream)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := s.receive(ctx, stream, "GenerateManifest")
	if err != nil {
		return nil, redact(fmt.Errorf("floe cmp-server: generate: %w", err))
	}
	defer s.finish(req)
	manifests, err := s.generate(ctx, req)
	if err != nil {
		return nil, redact(fmt.Errorf("floe cmp-server: generate %s: %w", quoteShort(req.md.AppRelPath), err))
	}
	return &cmpapi.ManifestResponse{Manifests: manifests}, nil
}

func (s *Service) generate(ctx context.Context, req *request) ([]string, error) {
	o, err := argocd.FromEnv(req.getenv, req.cwd)
	if err != nil {
		return nil, err
	}
	if o.ImageTag == "" {
		return nil, fmt.Errorf("%s is not set (Argo CD sets it to the commit being rendered)", argocd.EnvAppRevision)
	}
	if o.Root != virtualBase {
		return nil, fmt.Errorf("the tarball's root is not the repository's (got %s)", strings.TrimPrefix(o.Root, virtualBase))
	}
	now, fixed := s.cfg.Now(req.getenv)
	opts := o.RenderOptions(req.root, now, s.cfg.FloeVersion)
	opts.Provenance = s.cfg.Attest != nil // the same for every request: not in the key
	key := optionsKey(opts, fixed)
	if manifests, ok := s.cache.get(key, req.root); ok && s.attestedHit(o.AppName, manifests) {
		return manifests, nil
	}
	res, err := s.cfg.Render(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	manifests, err := SplitManifests(res.YAML)
	if err != nil {
		return nil, err
	}
	if len(manifests) == 0 {
		// With auto-prune, an empty manifest set deletes every resource of the app.
		return nil, fmt.Errorf("%s rendered no objects; refusing to return an empty manifest set", o.ProductPath)
	}
	if err := s.attest(ctx, o.AppName, opts, res, manifests); err != nil {
		return nil, fmt.Errorf("attest: %w", err) // fail closed: no manifests without their attestation
	}
	if s.cache.max > 0 {
		var reads *render.ReadSet
		if res.Provenance != nil { // an attested render recorded its read set already
			reads = res.Provenance.Reads
		} else if reads, err = render.ProductReadSet(ctx, opts); err != nil {
			reads = nil // a read set that cannot be taken only means no cache entry
		}
		if reads != nil {
			s.cache.put(key, opts.ProductPath, reads, manifests)
		}
	}
	return manifests, nil
}

// SplitManifests splits a YAML stream into one JSON document per object, exactly as
// argocd-cmp-server splits a plugin's output (gitops-engine kube.SplitYAMLToString).
func SplitManifests(stream []byte) ([]string, error) {
	d := kubeyaml.NewYAMLOrJSONDecoder(bytes.NewReader(stream), 4096)
	var out []string
	for {
		ext := runtime.RawExtension{}
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("failed to unmarshal manifest: %w", err)
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || bytes.Equal(ext.Raw, []byte("null")) {
			continue
		}
		out = append(out, string(ext.Raw))
	}
	return out, nil
}

// MatchRepository implements cmpapi.Server: discovery by plugin.yaml's fileName.
func (s *Service) MatchRepository(stream cmpapi.Stream) (*cmpapi.RepositoryResponse, error) {
	ctx, done, err := s.begin(stream)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := s.receive(ctx, stream, "MatchRepository")
	if err != nil {
		return nil, redact(fmt.Errorf("floe cmp-server: match repository: %w", err))
	}
	defer s.finish(req)
	name := s.plugin.Spec.Discover.FileName
	c := path.Join(strings.TrimPrefix(req.cwd, virtualBase+"/"), name)
	if req.cwd == virtualBase {
		c = name
	}
	_, found := req.root.nodes[c]
	return &cmpapi.RepositoryResponse{IsSupported: found, IsDiscoveryEnabled: true}, nil
}

// GetParametersAnnouncement implements cmpapi.Server: the dynamic announcement (floe
// argocd parameters), then plugin.yaml's static one.
func (s *Service) GetParametersAnnouncement(stream cmpapi.Stream) (*cmpapi.ParametersAnnouncementResponse, error) {
	ctx, done, err := s.begin(stream)
	if err != nil {
		return nil, err
	}
	defer done()
	req, err := s.receive(ctx, stream, "GetParametersAnnouncement")
	if err != nil {
		return nil, redact(fmt.Errorf("floe cmp-server: parameters: %w", err))
	}
	defer s.finish(req)
	o, err := argocd.ReadEnv(req.getenv, req.cwd)
	if err != nil {
		return nil, redact(fmt.Errorf("floe cmp-server: parameters: %w", err))
	}
	if o.ContractPath != "" && o.Root != virtualBase {
		return nil, errors.New("floe cmp-server: parameters: the tarball's root is not the repository's")
	}
	dynamic, err := argocd.Announce(o, req.root)
	if err != nil {
		return nil, redact(fmt.Errorf("floe cmp-server: parameters: %w", err))
	}
	out := &cmpapi.ParametersAnnouncementResponse{}
	for _, a := range append(dynamic, argocd.StaticAnnouncements()...) {
		out.ParameterAnnouncements = append(out.ParameterAnnouncements, &cmpapi.ParameterAnnouncement{
			Name: a.Name, Title: a.Title, Tooltip: a.Tooltip, Required: a.Required, ItemType: a.ItemType,
			CollectionType: a.CollectionType, String: a.String, Array: a.Array, Map: a.Map,
		})
	}
	return out, nil
}

// CheckPluginConfiguration implements cmpapi.Server.
func (s *Service) CheckPluginConfiguration(context.Context) (*cmpapi.CheckPluginConfigurationResponse, error) {
	return &cmpapi.CheckPluginConfigurationResponse{
		IsDiscoveryConfigured: s.plugin.Spec.Discover.FileName != "",
		ProvideGitCreds:       s.plugin.Spec.ProvideGitCreds,
	}, nil
}

var _ cmpapi.Server = (*Service)(nil)

// redact is err with secret-shaped values masked in its message, as every door masks
// what it prints (exec mode's stderr reaches Argo CD the same way); the chain is kept.
func redact(err error) error { return redactedError{err} }

type redactedError struct{ err error }

func (e redactedError) Error() string { return secretshape.Redact(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }
