package attest

import (
	"fmt"
	"strings"

	"github.com/floe-dev/floe/render"
)

// Mismatch is one way a stream differs from a statement's subjects.
type Mismatch struct {
	Object string // subject name, or render.StreamSubject
	Reason string // changed, added, removed
}

func (m Mismatch) String() string { return fmt.Sprintf("%s: %s", m.Object, m.Reason) }

// CompareSubjects compares the objects of stream with the statement's subjects (D-EVD-07):
// each object's digest, objects the statement does not name (added), subjects the stream
// lacks (removed), and, when every object matches, the bytes of the whole stream. For
// the files of render --all -o (D-EVD-08) objects are the files' subjects, stream is nil
// and the statement has no stream subject; a mismatch names the file and its object.
func CompareSubjects(st *render.Statement, stream []byte, objects []render.Subject) []Mismatch {
	want := map[string]string{}
	streamDigest := ""
	for _, s := range st.Subject {
		if s.Name == render.StreamSubject {
			streamDigest = s.Digest["sha256"]
			continue
		}
		want[s.Name] = s.Digest["sha256"]
	}
	// A file subject (render --all -o) is named with the object it holds.
	shown := func(s render.Subject) string {
		if obj := s.Annotations[render.SubjectObject]; obj != "" {
			return s.Name + " (" + obj + ")"
		}
		return s.Name
	}
	attested := map[string]render.Subject{}
	for _, s := range st.Subject {
		attested[s.Name] = s
	}
	var out []Mismatch
	seen := map[string]bool{}
	for _, o := range objects {
		seen[o.Name] = true
		d, ok := want[o.Name]
		switch {
		case !ok:
			out = append(out, Mismatch{o.Name, "added: the attestation names no such object"})
		case d != o.Digest["sha256"]:
			out = append(out, Mismatch{shown(attested[o.Name]), "changed: its digest differs from the attested one"})
		}
	}
	for _, s := range st.Subject {
		if s.Name != render.StreamSubject && !seen[s.Name] {
			out = append(out, Mismatch{shown(s), "removed: attested but not there"})
		}
	}
	if len(out) == 0 && streamDigest != "" && streamDigest != render.SHA256Hex(stream) {
		out = append(out, Mismatch{render.StreamSubject, "changed: the objects match but the stream's bytes differ (order, comments or formatting)"})
	}
	return out
}

// Summary is mismatches one a line.
func Summary(ms []Mismatch) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = m.String()
	}
	return strings.Join(lines, "\n")
}
