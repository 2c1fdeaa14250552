package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/internal/secretshape"
)

// Evidence statuses of a required promotion-evidence item (D-EVD-01, D-EVD-02).
const (
	SatisfiedAtRender           = "satisfied-at-render"
	DeferredToRuntime           = "deferred-to-runtime"
	NotApplicable               = "not-applicable"
	NotApplicableWithoutWrapper = "not-applicable-without-wrapper"
	Pending                     = "pending"
)

// Evidence is the render's promotion-evidence record (`floe render --evidence FILE`):
// what went in (sha256 of every input file), what came out (sha256 of the stream), with
// which floe and charts, and the status of each item of the contract's
// promotion.requiredEvidence.
type Evidence struct {
	APIVersion   string          `json:"apiVersion"`
	Kind         string          `json:"kind"`
	FloeVersion  string          `json:"floeVersion"`
	RenderedAt   string          `json:"renderedAt,omitempty"` // Options.Now, RFC 3339; omitted when zero
	Product      EvidenceProduct `json:"product"`
	Contract     string          `json:"contract"`
	Environment  string          `json:"environment"`
	Namespace    string          `json:"namespace"`
	Runtime      string          `json:"runtime"`
	Image        string          `json:"image"`
	Charts       []ChartVersion  `json:"charts"`
	Inputs       []InputFile     `json:"inputs"`
	SourceHash   string          `json:"sourceHash"`
	Output       OutputDigest    `json:"output"`
	Required     []Requirement   `json:"requiredEvidence"`
	Gates        PromotionGates  `json:"promotionGates"`
	Policy       *PolicyReport   `json:"policy"` // null until a policy gate ran
	Enforcement  string          `json:"enforcement,omitempty"`
	ManifestName string          `json:"manifest"`
}

// PromotionGates are the Manifest's promotion gates for this environment (D-EVD-03):
// from artifacts.promotion.environments when it lists the environment, else Floe's
// defaults (dev: policy_compliance; staging: + tests; prod: + tests, security_scan).
type PromotionGates struct {
	Source string   `json:"source"` // manifest | default
	Gates  []string `json:"gates"`  // enabled gates, sorted; policy_compliance always
}

// EvidenceProduct names the product.
type EvidenceProduct struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ChartVersion is an embedded chart used by the render.
type ChartVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// InputFile is one file read by the render, root-relative, with its sha256.
type InputFile struct {
	Role   string `json:"role"` // contract | manifest | product
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// OutputDigest identifies the rendered stream.
type OutputDigest struct {
	SHA256  string `json:"sha256"`
	Objects int    `json:"objects"`
}

// Requirement is one required evidence item and what the render can say about it.
type Requirement struct {
	Item   string `json:"item"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// requirement rules: the first whose pattern matches an item decides its status. The
// PEC's items are free text (D-EVD-03), so they are recognised by keywords.
var requirementRules = []struct {
	re     *regexp.Regexp
	status func(runtime string, policy *PolicyReport) (string, string)
}{
	{regexp.MustCompile(`(?i)polic`), func(_ string, p *PolicyReport) (string, string) {
		switch {
		case p == nil:
			return Pending, "no policy gate ran during this render"
		case p.Level == "off":
			return Pending, "the enforcement level is off; no policy was evaluated"
		case p.Denied:
			return Pending, "the policy gate denied the render"
		case p.Summary.Warn > 0:
			return Pending, fmt.Sprintf("the policy gate (level %s) reported %d finding(s); see policy.findings", p.Level, p.Summary.Warn)
		}
		if p.Summary.Excepted > 0 {
			return SatisfiedAtRender, fmt.Sprintf("the policy gate (level %s) passed; %d finding(s) covered by the contract's exceptions", p.Level, p.Summary.Excepted)
		}
		return SatisfiedAtRender, fmt.Sprintf("the policy gate (level %s) found nothing on the rendered objects", p.Level)
	}},
	{regexp.MustCompile(`(?i)\bcompile\b|\brender\b`), func(string, *PolicyReport) (string, string) {
		return SatisfiedAtRender, "floe loaded, validated and rendered the contract, manifest and floe.yaml"
	}},
	{regexp.MustCompile(`(?i)\bdbt\b.*\btests?\b`), func(string, *PolicyReport) (string, string) {
		return DeferredToRuntime, "dbt build runs the tests when the product runs"
	}},
	{regexp.MustCompile(`(?i)\bimage\b|\bartifact\b`), func(string, *PolicyReport) (string, string) {
		return DeferredToRuntime, "the image is built and published by CI; the render only names it"
	}},
	{regexp.MustCompile(`(?i)\bdagster\b`), func(rt string, _ *PolicyReport) (string, string) {
		if rt == RuntimeFloeJobs {
			return NotApplicable, "the product runs as a Kubernetes CronJob/Job, not in Dagster"
		}
		return DeferredToRuntime, "observable only once Dagster runs the product"
	}},
	{regexp.MustCompile(`(?i)lineage|marquez|opentelemetry|\btraces?\b|jaeger`), func(rt string, _ *PolicyReport) (string, string) {
		if rt == RuntimeFloeJobs {
			return NotApplicableWithoutWrapper, "a plain dbt container emits no OpenLineage events or traces; the image needs an OpenLineage/OTel-aware dbt wrapper"
		}
		return DeferredToRuntime, "the environment is wired; events appear only when the product runs"
	}},
	{regexp.MustCompile(`(?i)\brun\b|\bjob\b`), func(string, *PolicyReport) (string, string) {
		return DeferredToRuntime, "observable only once the product runs"
	}},
}

// classify gives each required evidence item its status.
func classify(items []string, runtime string, policy *PolicyReport) []Requirement {
	out := make([]Requirement, 0, len(items))
	for _, it := range items {
		req := Requirement{Item: it, Status: Pending, Reason: "floe cannot judge this item"}
		for _, rule := range requirementRules {
			if rule.re.MatchString(it) {
				req.Status, req.Reason = rule.status(runtime, policy)
				break
			}
		}
		out = append(out, req)
	}
	return out
}

// newEvidence records the inputs of a render; the output digest is filled at the end.
func newEvidence(r *resolved, version string, chartVersions []ChartVersion, now time.Time) *Evidence {
	in := r.in
	ev := &Evidence{
		APIVersion:   "floe.dev/v1alpha1",
		Kind:         "RenderEvidence",
		FloeVersion:  version,
		Product:      EvidenceProduct{Name: r.productName, Version: r.version},
		Contract:     in.Contract.Metadata.Name,
		Environment:  r.environment,
		Namespace:    r.namespace,
		Runtime:      r.runtime,
		Image:        r.image,
		Charts:       chartVersions, // the chart this runtime rendered
		SourceHash:   r.sourceHash,
		ManifestName: r.manifestName,
	}
	if !now.IsZero() {
		ev.RenderedAt = now.UTC().Format(time.RFC3339)
	}
	ev.Gates = promotionGates(in.Manifest, r.environment, r.envClass)
	add := func(role string, s *config.Source) {
		if s != nil {
			ev.Inputs = append(ev.Inputs, InputFile{Role: role, Path: s.Path, SHA256: sha256Hex(s.Data)})
		}
	}
	add("contract", in.Contract.Source)
	if len(in.Manifest.Chain) > 0 {
		for _, m := range in.Manifest.Chain {
			add("manifest", m.Source)
		}
	} else {
		add("manifest", in.Manifest.Source)
	}
	add("product", in.Product.Source)
	sort.SliceStable(ev.Inputs, func(i, j int) bool { return ev.Inputs[i].Path < ev.Inputs[j].Path })
	return ev
}

// finish records the output and the policy verdict, and classifies the requirements.
func (ev *Evidence) finish(items []string, out []byte, objects int, policy *PolicyReport, enforcement string) {
	ev.Output = OutputDigest{SHA256: sha256Hex(out), Objects: objects}
	ev.Policy = policy
	ev.Enforcement = enforcement
	ev.Required = classify(items, ev.Runtime, policy)
	ev.redact()
}

// redact masks key material in every free text the record carries: policy finding
// messages quote values of rendered objects, requirements are contract text.
func (ev *Evidence) redact() {
	if ev.Policy != nil {
		for i := range ev.Policy.Findings {
			f := &ev.Policy.Findings[i]
			f.Resource, f.Message = secretshape.Redact(f.Resource), secretshape.Redact(f.Message)
		}
	}
	for i := range ev.Required {
		r := &ev.Required[i]
		r.Item, r.Reason = secretshape.Redact(r.Item), secretshape.Redact(r.Reason)
	}
	ev.Image = secretshape.Redact(ev.Image)
}

// promotionGates finds the gate set of environment e.
func promotionGates(m *config.Manifest, e, class string) PromotionGates {
	if m.Artifacts != nil {
		envs, _ := m.Artifacts.Promotion["environments"].([]any)
		for _, x := range envs {
			em, _ := x.(map[string]any)
			if name, _ := em["name"].(string); name != e {
				continue
			}
			set := map[string]bool{"policy_compliance": true}
			gates, _ := em["gates"].(map[string]any)
			for k, v := range gates {
				if on, isBool := v.(bool); v != nil && (!isBool || on) {
					set[k] = true
				}
			}
			return PromotionGates{Source: "manifest", Gates: slices.Sorted(maps.Keys(set))}
		}
	}
	defaults := map[string][]string{
		"dev":     {"policy_compliance"},
		"staging": {"policy_compliance", "tests"},
		"prod":    {"policy_compliance", "security_scan", "tests"},
	}
	return PromotionGates{Source: "default", Gates: defaults[class]}
}

// JSON is the evidence record as indented JSON with a trailing newline.
func (ev *Evidence) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// SHA256Hex is the lowercase hex SHA-256 of b.
func SHA256Hex(b []byte) string { return sha256Hex(b) }

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
