package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/secretshape"
	"github.com/floe-dev/floe/wiring"
)

// Runtime names (D-RND-03).
const (
	RuntimeDagster  = "dagster"
	RuntimeFloeJobs = "floe-jobs"
)

// Fixed layout of a product image (D-RND-05) and of the platform (D-RND-04).
const (
	appDir      = "/app"
	dagsterHome = "/opt/dagster/dagster_home"
	dagsterPort = 3030
	profilesDir = "/etc/dbt"
)

// Patterns are compiled once per process: Render runs once per product in a batch.
var (
	reHexTag      = regexp.MustCompile(`^[0-9a-fA-F]{7,40}$`)
	reCPU         = regexp.MustCompile(`^[0-9]+m?$`)
	reMemory      = regexp.MustCompile(`^[0-9]+(Mi|Gi|Ki)$`)
	reNonNameChar = regexp.MustCompile(`[^a-z0-9]+`)
)

// builtinPresets is D-RND-11's built-in table (Floe's chart and Dagster plugin built-ins).
var builtinPresets = map[string]resources{
	"small":  {Requests: cpuMem{"100m", "256Mi"}, Limits: cpuMem{"500m", "512Mi"}},
	"medium": {Requests: cpuMem{"250m", "512Mi"}, Limits: cpuMem{"1000m", "1Gi"}},
	"large":  {Requests: cpuMem{"500m", "1Gi"}, Limits: cpuMem{"2000m", "2Gi"}},
}

// blockedMountRoots may not receive a writable mount (D-RND-22).
var blockedMountRoots = []string{"/proc", "/sys", "/dev", "/etc", "/var/run", "/run"}

type cpuMem struct{ CPU, Memory string }

type resources struct{ Requests, Limits cpuMem }

func (r resources) values() map[string]any {
	return map[string]any{
		"requests": map[string]any{"cpu": r.Requests.CPU, "memory": r.Requests.Memory},
		"limits":   map[string]any{"cpu": r.Limits.CPU, "memory": r.Limits.Memory},
	}
}

// envVar is one container environment variable.
type envVar struct{ Name, Value string }

// writableDir is an emptyDir mounted where the product writes (read-only root FS).
type writableDir struct{ Name, MountPath string }

// resolved holds every value derived from the inputs (the "resolve" stage). Nothing in
// it depends on a clock, the environment or map iteration order.
type resolved struct {
	in      *config.Inputs
	runtime string

	productName, version string // the product's metadata.name and metadata.version
	slug, dbtName        string // D-RND-01
	namespace            string
	environment          string
	envClass             string // D-RND-15
	mode, domain         string // D-IN-11 deployment mode; mesh domain
	lineageNamespace     string // D-RND-16
	platform             wiring.Platform
	product              wiring.Product

	imageRepo, imageTag, image string
	jobSuffix                  string // D-RND-09: "-<tag8>" for the one-shot Job

	preset    string
	resources resources

	cron, timezone string
	enabled        bool

	env        []envVar
	secretRefs []string
	writable   []writableDir
	profiles   map[string]any
	labels     map[string]string // D-RND-17, every object and pod template
	podLabels  map[string]string // pod templates only
	runLabels  map[string]string // Dagster run pods
	// productContainers are the chart's container names, the only ones given the product
	// image (overlay-added containers keep theirs).
	productContainers []string
	annotations       map[string]string
	sourceHash        string
	serviceAcct       string
	objectNames       []string // names the charts will use, for length checks
	manifestName      string
	netpol            *wiring.NetworkPolicy // D-RND-18, nil unless the Manifest enables network policies
}

// resolve derives the render values from validated inputs (D-RND-01..19).
// Errors are located diagnostics; nothing is printed.
func resolve(in *config.Inputs, runtime, imageTag string, extraAnnotations map[string]string) (*resolved, error) {
	c, m, p := in.Contract, in.Manifest, in.Product
	r := &resolved{
		in:          in,
		runtime:     runtime,
		productName: p.Metadata.Name,
		version:     p.Metadata.Version,
		slug:        config.Slug(p.Metadata.Name),
		dbtName:     config.DBTName(p.Metadata.Name),
		namespace:   c.Environment.Kubernetes.Namespace,
		environment: c.Environment.Name,
		serviceAcct: c.Access.ServiceAccount,
	}
	r.platform = wiring.ForPlatform(c, m)
	if np, ok := wiring.ForNetworkPolicy(m, r.platform, runtime == RuntimeDagster); ok {
		r.netpol = &np
	}
	r.product = wiring.ForProduct(p, m)
	r.envClass = r.platform.Class
	r.manifestName = m.Metadata.Name + "@" + m.Metadata.Version
	var errs diag.List

	// D-IN-11 mode and D-RND-16 lineage namespace.
	r.mode, r.domain, r.lineageNamespace = r.product.Mode, r.product.Domain, r.product.LineageNamespace

	// D-RND-12 image.
	if err := r.resolveImage(c, imageTag); err != nil {
		errs = append(errs, diag.Diagnostic{File: c.Source.Path, Path: "runtime.imageTagPolicy", Message: err.Error()})
	}

	// D-RND-11 resources.
	errs = append(errs, r.resolvePreset(c, m)...)

	// Schedule (D-IN-05..07, D-RND-07, D-RND-08).
	if s := p.Schedule; s != nil && s.Cron != "" {
		r.cron, r.timezone, r.enabled = s.Cron, s.TZ(), s.ScheduleEnabled()
	} else {
		r.timezone, r.enabled = p.Schedule.TZ(), p.Schedule.ScheduleEnabled()
	}

	// dbt profiles (D-RND-10) and the directories the product writes to.
	errs = append(errs, r.resolveProfiles(m)...)

	// connection_secret_ref → envFrom (D-RND-08).
	r.secretRefs = secretRefs(m)

	r.env = r.telemetryEnv(m)
	errs = append(errs, r.resolveLabels(p, extraAnnotations)...)
	r.sourceHash = sourceHash(p, m)
	r.annotations["floe.dev/source-hash"] = r.sourceHash

	errs = append(errs, r.checkNames()...)
	if errs.HasErrors() {
		errs.Sort()
		return nil, errs
	}
	return r, nil
}

func (r *resolved) resolveImage(c *config.Contract, tag string) error {
	r.imageRepo = strings.TrimSuffix(c.Runtime.ArtifactRegistry, "/") + "/" + r.productName
	switch policy := c.Runtime.ImageTagPolicy; policy {
	case "git-sha", "":
		if !reHexTag.MatchString(tag) {
			return fmt.Errorf("image tag %q is not a git commit SHA (7 to 40 hex digits); pass --image-tag", tag)
		}
		tag = strings.ToLower(tag)
		r.imageTag = tag[:min(12, len(tag))]
		r.jobSuffix = "-" + tag[:min(8, len(tag))]
	case "semver":
		r.imageTag = r.version
		r.jobSuffix = "-" + strings.Trim(reNonNameChar.ReplaceAllString(r.version, "-"), "-")
	default:
		return fmt.Errorf("imageTagPolicy %q is not supported by floe render (use git-sha or semver)", policy)
	}
	r.image = r.imageRepo + ":" + r.imageTag
	return nil
}

func (r *resolved) resolvePreset(c *config.Contract, m *config.Manifest) diag.List {
	r.preset = c.Runtime.ResourcePreset
	if r.preset == "" {
		r.preset = "small"
		if r.envClass == "prod" {
			r.preset = "large"
		}
	}
	res, ok := builtinPresets[r.preset]
	file, at := c.Source.Path, "runtime.resourcePreset"
	if mp, found := m.ResourcePresets[r.preset]; found {
		file, at = manifestFile(m, "resource_presets."+r.preset), "resource_presets."+r.preset
		ok = true
		if mp.Requests != nil || mp.Limits != nil {
			if mp.Requests != nil {
				res.Requests = cpuMem{mp.Requests.CPU, mp.Requests.Memory}
			}
			if mp.Limits != nil {
				res.Limits = cpuMem{mp.Limits.CPU, mp.Limits.Memory}
			}
		} else {
			res = resources{Requests: cpuMem{mp.CPURequest, mp.MemoryRequest}, Limits: cpuMem{mp.CPULimit, mp.MemoryLimit}}
		}
	}
	if !ok {
		return diag.List{{File: file, Path: at, Message: fmt.Sprintf("resource preset %q is neither in the manifest's resource_presets nor built in (small, medium, large)", r.preset)}}
	}
	var errs diag.List
	for _, q := range []struct{ where, v string }{
		{"requests.cpu", res.Requests.CPU}, {"limits.cpu", res.Limits.CPU},
	} {
		if !reCPU.MatchString(q.v) {
			errs = append(errs, diag.Diagnostic{File: file, Path: at, Message: fmt.Sprintf("preset %q %s %q is not a cpu quantity like 500m or 2", r.preset, q.where, q.v)})
		}
	}
	for _, q := range []struct{ where, v string }{
		{"requests.memory", res.Requests.Memory}, {"limits.memory", res.Limits.Memory},
	} {
		if !reMemory.MatchString(q.v) {
			errs = append(errs, diag.Diagnostic{File: file, Path: at, Message: fmt.Sprintf("preset %q %s %q is not a memory quantity like 512Mi or 1Gi", r.preset, q.where, q.v)})
		}
	}
	r.resources = res
	return errs
}

// manifestFile is the file of the manifest in the inheritance chain that sets path (the
// effective manifest's own file when none does).
func manifestFile(m *config.Manifest, p string) string {
	for i := len(m.Chain) - 1; i >= 0; i-- {
		if s := m.Chain[i].Source; s != nil && s.Has(p) {
			return s.Path
		}
	}
	if m.Source != nil {
		return m.Source.Path
	}
	return ""
}

// manifestDiag locates path in whichever manifest of the chain sets it.
func manifestDiag(m *config.Manifest, p, msg string) diag.Diagnostic {
	d := diag.Diagnostic{Path: p, Message: msg}
	srcs := []*config.Source{m.Source}
	for i := len(m.Chain) - 1; i >= 0; i-- {
		srcs = append(srcs, m.Chain[i].Source)
	}
	for _, s := range srcs {
		if s != nil && s.Has(p) {
			d.File = s.Path
			d.Line, d.Col = s.Pos(p)
			return d
		}
	}
	if m.Source != nil {
		d.File = m.Source.Path
	}
	return d
}

// resolveProfiles builds profiles.yml (D-RND-10: placeholders, threads/timeout, duckdb
// settings) keyed by D, and the writable directories. Only the compute plugin's
// config is rendered; a secret-looking key in it is refused, never copied.
func (r *resolved) resolveProfiles(m *config.Manifest) diag.List {
	compute := m.Plugins.Compute
	if compute == nil {
		return diag.List{manifestDiag(m, "plugins.compute", "a compute plugin is required to render dbt profiles")}
	}
	var errs diag.List
	walkKeys(compute.Config, "plugins.compute.config", func(p, key string) {
		if secretshape.Name(key) {
			errs = append(errs, manifestDiag(m, p, "looks like a credential; floe renders compute config into a ConfigMap, so it refuses to copy it: put the value in a Kubernetes Secret and name it in plugins.compute.connection_secret_ref"))
		}
	})
	if len(errs) > 0 {
		return errs
	}
	cfg, _ := expand(compute.Config, r.productName, r.slug).(map[string]any)
	prof := map[string]any{"type": compute.Type, "threads": 4, "timeout_seconds": 3600}
	settings := map[string]any{}
	for k, v := range cfg {
		switch {
		case k == "threads" || k == "timeout_seconds":
			prof[k] = v
		case compute.Type == "duckdb" && (k == "memory_limit" || k == "access_mode"):
			settings[k] = v
		case compute.Type == "duckdb" && k == "settings":
			if sm, ok := v.(map[string]any); ok {
				for sk, sv := range sm {
					settings[sk] = sv // explicit settings win
				}
			} else {
				prof[k] = v
			}
		default:
			prof[k] = v
		}
	}
	if len(settings) > 0 {
		prof["settings"] = settings
	}
	r.writable = []writableDir{{Name: "tmp", MountPath: "/tmp"}}
	if r.runtime == RuntimeDagster {
		r.writable = append(r.writable, writableDir{Name: "dagster-home", MountPath: dagsterHome})
	}
	if compute.Type == "duckdb" {
		if _, ok := prof["path"]; !ok {
			prof["path"] = ":memory:"
		}
		dbPath, _ := prof["path"].(string)
		dir, err := duckdbDir(dbPath)
		if err != nil {
			errs = append(errs, manifestDiag(m, "plugins.compute.config.path", err.Error()))
		} else if dir != "" && dir != "/tmp" {
			underTmp := strings.HasPrefix(dir, "/tmp/")
			// Dagster: /tmp is writable in the code server and its runs (D-RND-23), and
			// the Dagster runtime creates the file's directory itself (D-RND-10).
			if r.runtime == RuntimeFloeJobs || !underTmp {
				r.writable = append(r.writable, writableDir{Name: "duckdb", MountPath: dir})
			}
		}
	}
	r.writable = append(r.writable,
		writableDir{Name: "dbt-target", MountPath: path.Join(appDir, r.slug, "target")},
		writableDir{Name: "dbt-logs", MountPath: path.Join(appDir, r.slug, "logs")},
	)
	// D-RND-10: the profile's one target is the contract's environment, which dbt is run
	// with (--target): dev, staging and prod runs are told apart in dbt's artifacts.
	r.profiles = map[string]any{r.dbtName: map[string]any{"target": r.environment, "outputs": map[string]any{r.environment: prof}}}
	return errs
}

// duckdbDir is the directory of a file-backed DuckDB path that needs a writable mount;
// "" for in-memory or remote databases.
func duckdbDir(p string) (string, error) {
	switch {
	case p == "" || p == ":memory:" || strings.HasPrefix(p, ":memory:") || strings.HasPrefix(p, "md:") ||
		strings.HasPrefix(p, "motherduck:") || strings.Contains(p, "://"):
		return "", nil
	case !strings.HasPrefix(p, "/"):
		return "", fmt.Errorf("DuckDB path %q must be absolute (or :memory:) so floe can mount a writable directory for it", p)
	}
	dir := path.Dir(path.Clean(p))
	if dir == "/" {
		return "", fmt.Errorf("DuckDB path %q must be inside a directory, not at /", p)
	}
	for _, b := range blockedMountRoots {
		if dir == b || strings.HasPrefix(dir, b+"/") {
			return "", fmt.Errorf("DuckDB path %q is under %s, where no writable volume may be mounted", p, b)
		}
	}
	return dir, nil
}

// walkKeys calls fn for every mapping key under v, with its dotted path.
func walkKeys(v any, at string, fn func(p, key string)) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			fn(at+"."+k, k)
			walkKeys(t[k], at+"."+k, fn)
		}
	case []any:
		for i, e := range t {
			walkKeys(e, fmt.Sprintf("%s[%d]", at, i), fn)
		}
	}
}

// expand replaces {product_name} and {product_slug} in every string, recursively (D-RND-10).
// It returns a deep copy; the input is never modified.
func expand(v any, p, s string) any {
	switch t := v.(type) {
	case string:
		return strings.NewReplacer("{product_name}", p, "{product_slug}", s).Replace(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = expand(e, p, s)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = expand(e, p, s)
		}
		return out
	case nil:
		return map[string]any{}
	}
	return v
}

// secretRefs lists every manifest plugin's connection_secret_ref, in category order,
// without duplicates.
func secretRefs(m *config.Manifest) []string {
	pl := m.Plugins
	seen := map[string]bool{}
	var out []string
	for _, s := range []*config.PluginSelection{pl.Compute, pl.Orchestrator, pl.Catalog, pl.Storage,
		pl.SemanticLayer, pl.Ingestion, pl.Secrets, pl.TelemetryBackend, pl.LineageBackend, pl.Identity, pl.DBT} {
		if s != nil && s.ConnectionSecretRef != "" && !seen[s.ConnectionSecretRef] {
			seen[s.ConnectionSecretRef] = true
			out = append(out, s.ConnectionSecretRef)
		}
	}
	return out
}

// resolveLabels builds the D-RND-17 label and annotation sets.
func (r *resolved) resolveLabels(p *config.FloeSpec, extra map[string]string) diag.List {
	name, partOf, component := "floe-jobs", "floe-jobs", "dbt"
	if r.runtime == RuntimeDagster {
		name, partOf, component = "dagster-user-code", "floe-platform", "code-server"
	}
	r.labels = map[string]string{
		"app.kubernetes.io/name":       name,
		"app.kubernetes.io/instance":   r.productName,
		"app.kubernetes.io/version":    r.version,
		"app.kubernetes.io/managed-by": "floe",
		"app.kubernetes.io/part-of":    partOf,
		"app.kubernetes.io/component":  component,
		"floe.dev/product":             r.productName,
		"floe.dev/environment":         r.environment,
		"floe.dev/mode":                r.mode,
	}
	var errs diag.List
	for _, k := range []string{"domain", "tier"} {
		v, ok := p.Metadata.Labels[k]
		if !ok {
			continue
		}
		if len(content.IsLabelValue(v)) > 0 {
			line, col := p.Source.Pos("metadata.labels." + k)
			errs = append(errs, diag.Diagnostic{File: p.Source.Path, Line: line, Col: col, Path: "metadata.labels." + k,
				Message: fmt.Sprintf("%q is not a valid Kubernetes label value (≤63 characters, alphanumeric at both ends, '-', '_', '.' inside)", v)})
			continue
		}
		r.labels["floe.dev/"+k] = v
	}
	if r.domain != "" {
		r.labels["floe.dev/domain"] = r.domain
	}
	r.podLabels = map[string]string{"floe.dev/job-type": "data-pipeline"}
	// Dagster run pods (D-RND-23) carry the product label set as job pods: part of
	// floe-jobs, which the platform NetworkPolicy admits to the catalog (POL-NET-01).
	r.runLabels = map[string]string{"floe.dev/job-type": "data-pipeline"}
	maps.Copy(r.runLabels, r.labels)
	r.runLabels["app.kubernetes.io/part-of"] = "floe-jobs"
	r.runLabels["app.kubernetes.io/component"] = "run-worker"
	identity := r.product.Identity
	r.annotations = map[string]string{}
	for k, v := range extra {
		r.annotations[k] = v
	}
	for k, v := range map[string]string{
		"floe.dev/product-identity":  identity,
		"floe.dev/manifest":          r.manifestName,
		"floe.dev/pec":               r.in.Contract.Metadata.Name,
		"floe.dev/lineage-namespace": r.lineageNamespace,
	} {
		r.annotations[k] = v
	}
	if r.cron != "" {
		r.annotations["floe.dev/schedule"] = r.cron
		r.annotations["floe.dev/schedule-timezone"] = r.timezone
		r.annotations["floe.dev/schedule-enabled"] = fmt.Sprint(r.enabled)
	}
	return errs
}

// sourceHash is D-RND-19: "sha256:" + hex of the floe.yaml bytes followed by the
// manifest bytes (every manifest of the inheritance chain, root first — X-07).
func sourceHash(p *config.FloeSpec, m *config.Manifest) string {
	h := sha256.New()
	h.Write(p.Source.Data)
	chain := m.Chain
	if len(chain) == 0 {
		chain = []*config.Manifest{m}
	}
	for _, cm := range chain {
		if cm.Source != nil {
			h.Write(cm.Source.Data)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// checkNames checks the names the charts will give objects against Kubernetes limits
// (POL-NAME-01): CronJob ≤52, everything else ≤63.
func (r *resolved) checkNames() diag.List {
	type n struct {
		name string
		max  int
	}
	var names []n
	if r.runtime == RuntimeDagster {
		names = []n{{r.productName, 63}, {r.productName + "-telemetry", 63}, {r.productName + "-dagster-workspace", 63}}
	} else {
		names = []n{{r.productName + "-dbt-profiles", 63}}
		if r.cron != "" {
			names = append(names, n{r.productName + "-dbt", 52})
		} else {
			names = append(names, n{r.productName + "-dbt" + r.jobSuffix, 63})
		}
	}
	var errs diag.List
	src := r.in.Product.Source
	for _, x := range names {
		r.objectNames = append(r.objectNames, x.name)
		if len(x.name) > x.max {
			line, col := src.Pos("metadata.name")
			errs = append(errs, diag.Diagnostic{File: src.Path, Line: line, Col: col, Path: "metadata.name",
				Message: fmt.Sprintf("product name is too long for the %s runtime: object name %q has %d characters, the limit is %d", r.runtime, x.name, len(x.name), x.max)})
		}
	}
	return errs
}

// egressPorts are the ports POL-NET-02 expects the product NetworkPolicy to admit; nil
// without one.
func (r *resolved) egressPorts() []int {
	if r.netpol == nil {
		return nil
	}
	return r.netpol.EgressPorts
}

// loadAndResolve is the load and resolve stages of one product, shared by Render and
// ChartValues: the validated inputs, the resolved values (r.runtime is the runtime
// chosen) and the warnings so far — the inputs' and the runtime check's.
func loadAndResolve(opts Options) (*config.Inputs, *resolved, diag.List, error) {
	in, ds := config.Load(opts.Root, opts.ContractPath, opts.ProductPath)
	if ds.HasErrors() {
		return nil, nil, nil, ds
	}
	warnings := append(diag.List(nil), in.Warnings...)
	runtime := opts.Runtime
	if runtime == "" {
		runtime = in.Contract.Runtime.RecommendedAlphaSpine
	}
	rs := config.ValidateRuntime(in, runtime)
	if rs.HasErrors() {
		return nil, nil, nil, rs
	}
	warnings = append(warnings, rs.Warnings()...)
	tag, err := opts.imageTag()
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := resolve(in, runtime, tag, opts.Annotations)
	if err != nil {
		return nil, nil, nil, err
	}
	return in, r, warnings, nil
}
