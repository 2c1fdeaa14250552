package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/kustomize/overlay"
	"github.com/floe-dev/floe/policies"
)

// ReadSet is what one product's render reads from its root (D-DIFF-05): every file with
// the SHA-256 of its bytes, every directory listing, every existence check, and how each
// answered. A render is a function of these answers and of its options, so a root that
// gives every one of them the same answer renders the product to the same bytes.
type ReadSet struct {
	Reads []Read // sorted by Path, then Op
}

// Read is one question a render asked its root, and the answer's digest.
type Read struct {
	Op     string // "file" (ReadFile), "dir" (ReadDir), "stat" (Stat)
	Path   string // root-relative
	Answer string // "sha256:<hex>" of the bytes or names, "dir"/"file" for a stat, "missing", or "error"
}

// ProductReadSet records the reads of opts' product without rendering it: the load and
// resolve stages as Render runs them, the contract's overlays as they read their
// kustomizations and referenced files (overlay.ReadInputs; what an overlay reads does
// not depend on the objects) and its policy bundles (policies.ContractBundles). Those
// are every read Render makes (TestReadSetCoversRender holds it to that). An error is
// the stage's own: a product that does not load has no complete read set.
func ProductReadSet(ctx context.Context, opts Options) (*ReadSet, error) {
	_, _, _, reads, err := loadAndResolveRecorded(ctx, opts)
	return reads, err
}

// loadAndResolveRecorded is loadAndResolve over a recording root, with the contract's
// overlay and bundle reads added: the product's whole read set, known before the chart
// renders (what floe.dev/inputs-digest digests, D-EVD-05).
func loadAndResolveRecorded(ctx context.Context, opts Options) (*config.Inputs, *resolved, diag.List, *ReadSet, error) {
	rec := newRecordingRoot(opts.Root)
	recorded := opts
	recorded.Root = rec
	in, r, warnings, err := loadAndResolve(recorded)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	shared, err := contractReads(ctx, opts.Root, in.Contract)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, read := range shared {
		rec.record(read.Op, read.Path, read.Answer)
	}
	return in, r, warnings, rec.readSet(), nil
}

// contractReads are the reads of the contract's overlays and policy bundles, which are
// the same for every product of the contract: over a cachedRoot (one snapshot) they
// are recorded once per distinct list of overlays and bundles.
func contractReads(ctx context.Context, root config.Root, c *config.Contract) ([]Read, error) {
	read := func(string) ([]Read, error) {
		rec := newRecordingRoot(root)
		if err := overlay.ReadInputs(ctx, rec, c.Overlays); err != nil {
			return nil, err
		}
		if _, err := policies.ContractBundles(rec, c); err != nil {
			return nil, err
		}
		return rec.readSet().Reads, nil
	}
	cached, ok := root.(*cachedRoot)
	if !ok {
		return read("")
	}
	var bundles []string
	if c.Policy != nil {
		bundles = c.Policy.Bundles
	}
	key := strings.Join(c.Overlays, "\x00") + "\x01" + strings.Join(bundles, "\x00")
	return cached.contractReads.get(key, read)
}

// FirstChange is the first read (in path order) that root answers otherwise, and
// whether there is one: a product whose reads all answer alike renders alike.
func (s *ReadSet) FirstChange(root config.Root) (Read, bool) {
	for _, r := range s.Reads {
		if ask(root, r.Op, r.Path) != r.Answer {
			return r, true
		}
	}
	return Read{}, false
}

// Paths are the distinct paths read, sorted.
func (s *ReadSet) Paths() []string {
	var out []string
	for _, r := range s.Reads {
		if len(out) == 0 || out[len(out)-1] != r.Path {
			out = append(out, r.Path)
		}
	}
	return out
}

// recordingRoot is a config.Root that records every question asked of it, with the
// digest of its answer. Safe for concurrent use.
type recordingRoot struct {
	config.Root
	mu    sync.Mutex
	reads map[[2]string]string // {op, path} → answer
}

func newRecordingRoot(r config.Root) *recordingRoot {
	return &recordingRoot{Root: r, reads: map[[2]string]string{}}
}

func (r *recordingRoot) record(op, rel, answer string) {
	r.mu.Lock()
	r.reads[[2]string{op, rel}] = answer
	r.mu.Unlock()
}

// ReadFile implements config.Root.
func (r *recordingRoot) ReadFile(rel string) ([]byte, error) {
	b, err := r.Root.ReadFile(rel)
	r.record("file", rel, fileAnswer(b, err))
	return b, err
}

// Stat implements config.Root.
func (r *recordingRoot) Stat(rel string) (bool, error) {
	isDir, err := r.Root.Stat(rel)
	r.record("stat", rel, statAnswer(isDir, err))
	return isDir, err
}

// ReadDir implements config.Root.
func (r *recordingRoot) ReadDir(rel string) ([]string, error) {
	names, err := r.Root.ReadDir(rel)
	r.record("dir", rel, dirAnswer(names, err))
	return names, err
}

func (r *recordingRoot) readSet() *ReadSet {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &ReadSet{Reads: make([]Read, 0, len(r.reads))}
	for k, a := range r.reads {
		s.Reads = append(s.Reads, Read{Op: k[0], Path: k[1], Answer: a})
	}
	slices.SortFunc(s.Reads, func(a, b Read) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Op, b.Op)
	})
	return s
}

// ask asks root the question op asks of rel and digests the answer.
func ask(root config.Root, op, rel string) string {
	switch op {
	case "file":
		b, err := root.ReadFile(rel)
		return fileAnswer(b, err)
	case "dir":
		names, err := root.ReadDir(rel)
		return dirAnswer(names, err)
	default:
		isDir, err := root.Stat(rel)
		return statAnswer(isDir, err)
	}
}

// errorAnswer is a failed read's answer: its class, not its wording (which names the
// root: a revision, a directory).
func errorAnswer(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "missing"
	}
	return "error"
}

func fileAnswer(b []byte, err error) string {
	if err != nil {
		return errorAnswer(err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func statAnswer(isDir bool, err error) string {
	switch {
	case err != nil:
		return errorAnswer(err)
	case isDir:
		return "dir"
	}
	return "file"
}

func dirAnswer(names []string, err error) string {
	if err != nil {
		return errorAnswer(err)
	}
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// RecordReads wraps root so that every question asked of it is recorded with the
// digest of its answer; reads returns what was asked so far, sorted (post-render
// --attest's resolved dependencies, D-EVD-09).
func RecordReads(root config.Root) (recorded config.Root, reads func() *ReadSet) {
	rec := newRecordingRoot(root)
	return rec, rec.readSet
}
