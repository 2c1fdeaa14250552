// Package citations keeps floe's comments, messages and docs self-contained: a rule is
// cited by its design ID, defined in docs/design.md, never by a document that lives
// outside the repository (a spec section, a proposal number, a style guide or a sibling
// directory). Its test walks the repository and fails on either kind of dangling
// reference; the functions here are what it uses.
package citations

import (
	"regexp"
	"strings"
)

// Finding is one citation found in a text: its 1-based line, the kind of citation and
// the matched text.
type Finding struct {
	Line  int
	Kind  string
	Match string
}

// externalPatterns recognise citations of documents outside the repository. Paths that
// merely contain a directory named shared (test fixtures such as ../shared/patch.yaml)
// are not citations; a markdown file or the spec directory behind such a path is.
var externalPatterns = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"spec section", regexp.MustCompile(`\bSPEC\b\s*(?:§|\\u00a7|P-|variant\b|section\b)`)},
	{"section sign", regexp.MustCompile(`(?:§|\\u00a7)\s*\d`)},
	{"proposal number", regexp.MustCompile(`\bP-(?:\d\d|nn)\b`)},
	{"CLI contract doc", regexp.MustCompile(`\bCLI\.md\b`)},
	{"style guide", regexp.MustCompile(`\bstyle\.md\b`)},
	{"Dagster chart notes", regexp.MustCompile(`\bdagster-chart\.md\b`)},
	{"shared directory", regexp.MustCompile(`(?:\.\./)+shared(?:/spec\b|/[\w./-]*\.md\b|[^/\w.-]|$)|[/]work[/]shared\b`)},
}

// External returns the citations of documents outside the repository in text.
func External(text string) []Finding {
	var out []Finding
	for i, line := range strings.Split(text, "\n") {
		for _, p := range externalPatterns {
			for _, m := range p.re.FindAllString(line, -1) {
				out = append(out, Finding{Line: i + 1, Kind: p.kind, Match: m})
			}
		}
	}
	return out
}

// designID matches a design ID, D-<AREA>-<nn>, optionally a range D-<AREA>-<nn>..<mm>.
var designID = regexp.MustCompile(`\bD-([A-Z]{2,5})-(\d\d)(?:\.\.(\d\d))?\b`)

// DesignIDs returns the design IDs cited in text, one Finding per ID; a range cites both
// of its ends.
func DesignIDs(text string) []Finding {
	var out []Finding
	for i, line := range strings.Split(text, "\n") {
		for _, m := range designID.FindAllStringSubmatch(line, -1) {
			out = append(out, Finding{Line: i + 1, Kind: "design ID", Match: "D-" + m[1] + "-" + m[2]})
			if m[3] != "" {
				out = append(out, Finding{Line: i + 1, Kind: "design ID", Match: "D-" + m[1] + "-" + m[3]})
			}
		}
	}
	return out
}

// definition matches the start of an entry of docs/design.md: "- **D-AREA-nn Title.**".
var definition = regexp.MustCompile(`(?m)^- \*\*(D-[A-Z]{2,5}-\d\d)\b`)

// Defined returns the design IDs docs/design.md defines, each with the number of times
// it is defined (more than once is an error the test reports).
func Defined(design string) map[string]int {
	out := map[string]int{}
	for _, m := range definition.FindAllStringSubmatch(design, -1) {
		out[m[1]]++
	}
	return out
}
