package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/floe-dev/floe/diag"
)

// PostRenderBuildType is the buildType of a post-render's attestation (D-EVD-09).
const PostRenderBuildType = "https://floe.dev/post-render/v1"

// DependencyHelmStream names the resolved dependency of a post-render's input: the
// stream Helm gave on stdin.
const DependencyHelmStream = "helm-stream"

// PostRenderAttestation is what `floe post-render --attest` records (D-EVD-09).
type PostRenderAttestation struct {
	Subjects []Subject // the objects written (ObjectSubjects of the output)
	Output   []byte    // the stream written
	Input    []byte    // the stream Helm gave on stdin
	Reads    *ReadSet  // every question the post-render asked its root
	// Params are the request: Contract, Product (one product) or Locations, Select,
	// Enforcement.
	Params ExternalParameters
	Policy *PolicyReport // nil when no gate ran
}

// PostRenderInputsDigest is a post-render's inputs digest: "sha256:" + hex over its
// reads (as InputsDigest), the sha256 of the stream Helm gave, the selector and the
// enforcement level.
func PostRenderInputsDigest(reads *ReadSet, input []byte, selector, enforcement string) string {
	h := sha256.New()
	for _, r := range reads.Reads {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", r.Op, r.Path, r.Answer)
	}
	fmt.Fprintf(h, "%s\x00sha256:%s\nselect\x00%s\nenforcement\x00%s\n", DependencyHelmStream, sha256Hex(input), selector, enforcement)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Statement is the attestation of a post-render: one subject per object written and
// one for the stream; every read of the root and the stream Helm gave as resolved
// dependencies; the inputs digest and the policy verdict.
func (p *PostRenderAttestation) Statement(builder map[string]string, now time.Time) (*Statement, error) {
	if p.Reads == nil {
		return nil, fmt.Errorf("attest: the post-render recorded no reads")
	}
	subjects := slices.Clone(p.Subjects)
	slices.SortFunc(subjects, func(a, b Subject) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(subjects); i++ {
		if subjects[i].Name == subjects[i-1].Name {
			return nil, diag.Usage(fmt.Errorf("attest: two objects named %s; an attestation names each object once", subjects[i].Name))
		}
	}
	subjects = append(subjects, Subject{Name: StreamSubject, Digest: map[string]string{"sha256": sha256Hex(p.Output)}})
	deps := readDependencies(p.Reads.Reads, 1)
	deps = append(deps, ResourceDescriptor{Name: DependencyHelmStream, Digest: map[string]string{"sha256": sha256Hex(p.Input)},
		Annotations: map[string]string{"source": "stdin"}})
	internal := InternalParameters{
		InputsDigest: PostRenderInputsDigest(p.Reads, p.Input, p.Params.Select, p.Params.Enforcement),
		Policy:       verdict(p.Policy), Exceptions: exceptions(p.Policy, ""),
	}
	st := &Statement{
		Type:          StatementType,
		Subject:       subjects,
		PredicateType: ProvenanceType,
		Predicate: Provenance{
			BuildDefinition: BuildDefinition{BuildType: PostRenderBuildType, ExternalParameters: p.Params, InternalParameters: internal, ResolvedDependencies: deps},
			RunDetails:      RunDetails{Builder: Builder{ID: BuilderID, Version: builder}},
		},
	}
	if !now.IsZero() {
		t := now.UTC().Format(time.RFC3339)
		st.Predicate.RunDetails.Metadata = &BuildMetadata{StartedOn: t, FinishedOn: t}
	}
	return st, nil
}
