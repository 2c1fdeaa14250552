package render

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/floe-dev/floe/charts"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/secretshape"
)

// The in-toto Statement and SLSA Provenance v1 identifiers of an attestation (D-EVD-04).
const (
	StatementType  = "https://in-toto.io/Statement/v1"
	ProvenanceType = "https://slsa.dev/provenance/v1"
	BuildType      = "https://floe.dev/render/v1"
	BuilderID      = "https://github.com/floe-dev/floe/cmd/floe"
	// InputsDigestAnnotation carries the digest of the render's inputs on every object of
	// an attested render (D-EVD-05); the output digests live in the attestation only.
	InputsDigestAnnotation = "floe.dev/inputs-digest"
	// StreamSubject names the subject of the whole stream.
	StreamSubject = "stream"
)

// RenderProvenance is what an attested render knows beyond its Result: every read with
// its answer, the inputs digest, the chart's digest, the policy verdict.
type RenderProvenance struct {
	Reads        *ReadSet
	InputsDigest string
	Chart        ChartDigest
	ContractPath string
	ProductPath  string
	Enforcement  string
	Policy       *PolicyReport // nil when no gate ran
}

// ChartDigest names an embedded chart and the sha256 of its files.
type ChartDigest struct {
	Name, Version, SHA256 string
}

// InputsDigest is D-EVD-05: "sha256:" + hex of every read (op, path, answer, one a line,
// in ReadSet order) followed by the resolved runtime, image and enforcement level.
func InputsDigest(reads *ReadSet, runtime, image, enforcement string) string {
	h := sha256.New()
	for _, r := range reads.Reads {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", r.Op, r.Path, r.Answer)
	}
	fmt.Fprintf(h, "runtime\x00%s\nimage\x00%s\nenforcement\x00%s\n", runtime, image, enforcement)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

var (
	chartDigestsOnce sync.Once
	chartDigests     map[string]string
)

// chartDigest is the runtime's embedded chart: name, version and the sha256 over its
// files (path, NUL, bytes, NUL; in path order), computed once per process.
func (e *Engine) chartDigest(runtime string) ChartDigest {
	chartDigestsOnce.Do(func() {
		chartDigests = map[string]string{}
		for _, name := range charts.Names() {
			h := sha256.New()
			_ = fs.WalkDir(charts.FS(), name, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := fs.ReadFile(charts.FS(), p)
				if err != nil {
					return err
				}
				h.Write([]byte(p + "\x00"))
				h.Write(b)
				h.Write([]byte{0})
				return nil
			})
			chartDigests[name] = hex.EncodeToString(h.Sum(nil))
		}
	})
	name := chartName(runtime)
	d := ChartDigest{Name: name, SHA256: chartDigests[name]}
	for _, cv := range e.versions {
		if cv.Name == name {
			d.Version = cv.Version
		}
	}
	return d
}

// Statement is an in-toto Statement v1 (D-EVD-04).
type Statement struct {
	Type          string     `json:"_type"`
	Subject       []Subject  `json:"subject"`
	PredicateType string     `json:"predicateType"`
	Predicate     Provenance `json:"predicate"`
}

// Subject is one attested artifact: a rendered object, the whole stream, or a file of
// `render --all -o` (its path under the output directory, annotated with the object
// it holds: SubjectObject).
type Subject struct {
	Name        string            `json:"name"`
	Digest      map[string]string `json:"digest"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// SubjectObject is the annotation of a file subject naming the object the file holds
// (<kind>/<namespace>/<name>).
const SubjectObject = "floe.dev/object"

// Provenance is a SLSA Provenance v1 predicate.
type Provenance struct {
	BuildDefinition BuildDefinition `json:"buildDefinition"`
	RunDetails      RunDetails      `json:"runDetails"`
}

// BuildDefinition is what the render was asked (externalParameters), what floe decided
// (internalParameters) and what it read (resolvedDependencies).
type BuildDefinition struct {
	BuildType            string               `json:"buildType"`
	ExternalParameters   ExternalParameters   `json:"externalParameters"`
	InternalParameters   InternalParameters   `json:"internalParameters"`
	ResolvedDependencies []ResourceDescriptor `json:"resolvedDependencies"`
}

// ExternalParameters are the render's request, enough to render it again.
type ExternalParameters struct {
	Contract    string `json:"contract"` // root-relative
	Product     string `json:"product"`  // root-relative floe.yaml
	Runtime     string `json:"runtime"`
	ImageTag    string `json:"imageTag"`
	Enforcement string `json:"enforcement,omitempty"`
	All         bool   `json:"all,omitempty"` // render --all: Product is the directory
	// OutputDir: render --all -o; the subjects are the files under the output
	// directory (D-EVD-08), not the objects of a stream.
	OutputDir bool `json:"outputDir,omitempty"`
	// Annotations are the extra annotations stamped on every object (Argo CD's
	// provenance, D-EVD-10), so that a re-render gives the same objects.
	Annotations map[string]string `json:"annotations,omitempty"`
	// Post-render only (D-EVD-09): the --select selector and the code locations mapped
	// to products (name → root-relative floe.yaml or its directory).
	Select    string            `json:"select,omitempty"`
	Locations map[string]string `json:"locations,omitempty"`
}

// InternalParameters are what floe decided: the inputs digest, the resolved image and
// the policy verdict with the exceptions it applied.
type InternalParameters struct {
	InputsDigest string           `json:"inputsDigest"`
	Image        string           `json:"image"`
	Policy       *PolicyVerdict   `json:"policy"` // null when no gate ran, or per product
	Exceptions   []AppliedExcepts `json:"exceptionsApplied"`
	// Products are each product's parameters of a render --all, in path order.
	Products []ProductParameters `json:"products,omitempty"`
}

// ProductParameters are one product's decided values in a render --all.
type ProductParameters struct {
	Path         string         `json:"path"`
	InputsDigest string         `json:"inputsDigest"`
	Image        string         `json:"image"`
	Runtime      string         `json:"runtime"`
	Policy       *PolicyVerdict `json:"policy"`
}

// PolicyVerdict is the gate's verdict.
type PolicyVerdict struct {
	Level   string  `json:"level"`
	Denied  bool    `json:"denied"`
	Summary Summary `json:"summary"`
}

// AppliedExcepts is one finding a contract exception covered.
type AppliedExcepts struct {
	Product  string `json:"product,omitempty"` // render --all
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	Reason   string `json:"reason,omitempty"`
}

// ResourceDescriptor is one resolved dependency: a read of the root (name = the
// root-relative path), the chart, or the product image.
type ResourceDescriptor struct {
	Name        string            `json:"name"`
	URI         string            `json:"uri,omitempty"`
	Digest      map[string]string `json:"digest,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// RunDetails names the builder and the render time.
type RunDetails struct {
	Builder  Builder        `json:"builder"`
	Metadata *BuildMetadata `json:"metadata,omitempty"`
}

// Builder is floe: its version and module digest.
type Builder struct {
	ID      string            `json:"id"`
	Version map[string]string `json:"version,omitempty"`
}

// BuildMetadata is the render time (SOURCE_DATE_EPOCH when set).
type BuildMetadata struct {
	StartedOn  string `json:"startedOn,omitempty"`
	FinishedOn string `json:"finishedOn,omitempty"`
}

// Dependency names: the reads are root-relative paths; these two are not paths.
const (
	dependencyChart = "floe-chart:"
	dependencyImage = "product-image"
)

// AttestedProduct is what an attestation records of one product's render.
type AttestedProduct struct {
	Path       string    // root-relative product path as rendered
	Subjects   []Subject // its objects (ObjectSubjects)
	Provenance *RenderProvenance
	Image      string
	Runtime    string
}

// attested is res's record for an attestation; path names the product.
func (res *Result) attested(path string) (*AttestedProduct, error) {
	if res.Provenance == nil {
		return nil, fmt.Errorf("attest: the render recorded no provenance")
	}
	subjects, err := ObjectSubjects(res.Objects, res.YAML)
	if err != nil {
		return nil, err
	}
	return &AttestedProduct{Path: path, Subjects: subjects, Provenance: res.Provenance, Image: res.Image, Runtime: res.Runtime}, nil
}

// Statement is the attestation of res (rendered with Options.Provenance): one subject per
// object (<kind>/<namespace>/<name>, sha256 of its canonical YAML) and one for the
// stream; every read, the chart and the image as resolved dependencies. builder is
// floe's version map (version, module digest); imageTag the tag asked for. The same
// render gives the same bytes (D-RND-20).
func (res *Result) Statement(builder map[string]string, imageTag string, now time.Time) (*Statement, error) {
	p := res.Provenance
	if p == nil {
		return nil, fmt.Errorf("attest: the render recorded no provenance")
	}
	a, err := res.attested(p.ProductPath)
	if err != nil {
		return nil, err
	}
	ext := ExternalParameters{Contract: p.ContractPath, Product: p.ProductPath, Runtime: res.Runtime, ImageTag: imageTag, Enforcement: p.Enforcement}
	internal := InternalParameters{InputsDigest: p.InputsDigest, Image: res.Image, Policy: verdict(p.Policy), Exceptions: exceptions(p.Policy, "")}
	return newStatement([]AttestedProduct{*a}, nonNil(res.YAML), ext, internal, builder, now)
}

// Statement is the attestation of a render --all (rendered with Options.Provenance):
// the subjects of every product's objects (names unique across the batch) and of the
// whole stream, the union of their reads, each product's inputs digest, image and
// verdict. dir is the --all directory.
func (b *BatchResult) Statement(opts BatchOptions, builder map[string]string, now time.Time) (*Statement, error) {
	if len(b.Attested) == 0 {
		return nil, fmt.Errorf("attest: the batch recorded no provenance")
	}
	ext := ExternalParameters{Contract: opts.ContractPath, Product: opts.Dir, All: true, Runtime: opts.Runtime, ImageTag: opts.ImageTag, Enforcement: opts.Enforcement}
	internal := InternalParameters{Exceptions: []AppliedExcepts{}}
	h := sha256.New()
	for _, a := range b.Attested {
		fmt.Fprintf(h, "%s\x00%s\n", a.Path, a.Provenance.InputsDigest)
		internal.Products = append(internal.Products, ProductParameters{Path: a.Path, InputsDigest: a.Provenance.InputsDigest,
			Image: a.Image, Runtime: a.Runtime, Policy: verdict(a.Provenance.Policy)})
		internal.Exceptions = append(internal.Exceptions, exceptions(a.Provenance.Policy, a.Path)...)
	}
	internal.InputsDigest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	if opts.OutDir != "" || opts.Files { // the files are the subjects; there is no stream
		ext.OutputDir = true
		return newStatement(b.Attested, nil, ext, internal, builder, now)
	}
	return newStatement(b.Attested, nonNil(b.Stream), ext, internal, builder, now)
}

// nonNil is b, or an empty stream for nil (newStatement's nil means "no stream").
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// fileSubjects are the subjects of one product's files under the output directory:
// each file's path and the sha256 of its bytes, annotated with the object it holds.
// files are objectFiles(…, objects), in objects' order.
func fileSubjects(files []OutFile, objects []*yaml.RNode) []Subject {
	out := make([]Subject, len(files))
	for i, f := range files {
		out[i] = Subject{Name: f.Path, Digest: map[string]string{"sha256": sha256Hex(f.Data)},
			Annotations: map[string]string{SubjectObject: ObjectName(objects[i])}}
	}
	return out
}

// FileSubjects are the subjects of an output tree's files (path under the output
// directory, sha256 of the bytes) as floe verify reads them back; no annotations.
func FileSubjects(files []OutFile) []Subject {
	out := make([]Subject, len(files))
	for i, f := range files {
		out[i] = Subject{Name: f.Path, Digest: map[string]string{"sha256": sha256Hex(f.Data)}}
	}
	return out
}

// verdict is the gate's verdict in an attestation; nil when no gate ran.
func verdict(r *PolicyReport) *PolicyVerdict {
	if r == nil {
		return nil
	}
	return &PolicyVerdict{Level: r.Level, Denied: r.Denied, Summary: r.Summary}
}

// exceptions are the findings a contract exception covered (resources already redacted
// by the evidence record, the reason here).
func exceptions(r *PolicyReport, product string) []AppliedExcepts {
	out := []AppliedExcepts{}
	if r == nil {
		return out
	}
	for _, f := range r.Findings {
		if f.Excepted {
			out = append(out, AppliedExcepts{Product: product, Rule: f.Rule, Resource: f.Resource, Reason: secretshape.Redact(f.ExceptionReason)})
		}
	}
	return out
}

// newStatement assembles a statement from the attested products: their subjects (a name
// twice is an error) and the stream's (none when stream is nil), their reads (each once), the charts they used and
// their images.
func newStatement(products []AttestedProduct, stream []byte, ext ExternalParameters, internal InternalParameters, builder map[string]string, now time.Time) (*Statement, error) {
	var subjects []Subject
	reads := map[Read]bool{}
	charts := map[string]ChartDigest{}
	images := map[string]bool{}
	for _, a := range products {
		subjects = append(subjects, a.Subjects...)
		for _, r := range a.Provenance.Reads.Reads {
			reads[r] = true
		}
		charts[a.Provenance.Chart.Name] = a.Provenance.Chart
		images[a.Image] = true
	}
	slices.SortFunc(subjects, func(a, b Subject) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(subjects); i++ {
		if subjects[i].Name == subjects[i-1].Name {
			return nil, diag.Usage(fmt.Errorf("attest: two products render an object named %s; an attestation names each object once", subjects[i].Name))
		}
	}
	if stream != nil {
		subjects = append(subjects, Subject{Name: StreamSubject, Digest: map[string]string{"sha256": sha256Hex(stream)}})
	}

	set := &ReadSet{Reads: slices.Collect(maps.Keys(reads))}
	slices.SortFunc(set.Reads, func(a, b Read) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Op, b.Op), strings.Compare(a.Answer, b.Answer))
	})
	deps := readDependencies(set.Reads, len(charts)+len(images))
	for _, name := range slices.Sorted(maps.Keys(charts)) {
		c := charts[name]
		deps = append(deps, ResourceDescriptor{Name: dependencyChart + c.Name, URI: "floe-embedded-chart:" + c.Name + "@" + c.Version,
			Digest: map[string]string{"sha256": c.SHA256}})
	}
	for _, image := range slices.Sorted(maps.Keys(images)) {
		deps = append(deps, ResourceDescriptor{Name: dependencyImage, URI: image})
	}
	st := &Statement{
		Type:          StatementType,
		Subject:       subjects,
		PredicateType: ProvenanceType,
		Predicate: Provenance{
			BuildDefinition: BuildDefinition{BuildType: BuildType, ExternalParameters: ext, InternalParameters: internal, ResolvedDependencies: deps},
			RunDetails:      RunDetails{Builder: Builder{ID: BuilderID, Version: builder}},
		},
	}
	if !now.IsZero() {
		t := now.UTC().Format(time.RFC3339)
		st.Predicate.RunDetails.Metadata = &BuildMetadata{StartedOn: t, FinishedOn: t}
	}
	return st, nil
}

// readDependencies are the resolved dependencies of reads (sorted), with room for
// extra more.
func readDependencies(reads []Read, extra int) []ResourceDescriptor {
	deps := make([]ResourceDescriptor, 0, len(reads)+extra)
	for _, r := range reads {
		d := ResourceDescriptor{Name: r.Path, URI: (&url.URL{Path: r.Path}).String(), Annotations: map[string]string{"read": r.Op}}
		if hexDigest, ok := strings.CutPrefix(r.Answer, "sha256:"); ok {
			d.Digest = map[string]string{"sha256": hexDigest}
		} else {
			d.Annotations["answer"] = r.Answer
		}
		deps = append(deps, d)
	}
	return deps
}

// JSON is the statement as compact JSON (the DSSE payload).
func (st *Statement) JSON() ([]byte, error) { return json.Marshal(st) }

// ObjectSubjects are the subjects of objects: <kind>/<namespace>/<name> (namespace
// empty for cluster-scoped objects) with the sha256 of the object's canonical YAML,
// sorted by name. Two objects with one name are an error. stream, when not nil, is
// EmitStream(objects): its documents are those bytes already (objectDocuments), so they
// are digested without encoding the objects again.
func ObjectSubjects(objects []*yaml.RNode, stream []byte) ([]Subject, error) {
	docs, err := objectDocuments(objects, stream)
	if err != nil {
		return nil, fmt.Errorf("attest: %w", err)
	}
	out := make([]Subject, len(objects))
	for i, o := range objects {
		out[i] = Subject{Name: ObjectName(o), Digest: map[string]string{"sha256": sha256Hex(docs[i])}}
	}
	slices.SortFunc(out, func(a, b Subject) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			return nil, diag.Usage(fmt.Errorf("attest: two objects named %s; an attestation names each object once", out[i].Name))
		}
	}
	return out, nil
}

// ObjectName is an object's subject name: <kind>/<namespace>/<name>.
func ObjectName(o *yaml.RNode) string {
	return o.GetKind() + "/" + o.GetNamespace() + "/" + o.GetName()
}

// ReadsOf turns a statement's resolved dependencies back into the reads they record;
// the chart and the image are not reads of the root and are left out.
func ReadsOf(deps []ResourceDescriptor) (*ReadSet, error) {
	s := &ReadSet{}
	for _, d := range deps {
		op := d.Annotations["read"]
		if op == "" {
			continue
		}
		switch op {
		case "file", "dir", "stat":
		default:
			return nil, fmt.Errorf("resolvedDependencies %s: unknown read %q", d.Name, op)
		}
		answer := d.Annotations["answer"]
		if h := d.Digest["sha256"]; h != "" {
			answer = "sha256:" + h
		}
		if answer == "" {
			return nil, fmt.Errorf("resolvedDependencies %s: no digest and no answer", d.Name)
		}
		s.Reads = append(s.Reads, Read{Op: op, Path: d.Name, Answer: answer})
	}
	return s, nil
}
