package output

import (
	"encoding/json"

	"github.com/floe-dev/floe/diag"
)

// Validation is `floe validate`'s result when the inputs hold no error: their warnings,
// and the summary line text prints ("ok: …").
type Validation struct {
	Diagnostics diag.List
	Summary     string
}

// validationDiagnostic is one diagnostic in validate's --output json.
type validationDiagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Path     string `json:"path"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

type validationReport struct {
	Valid       bool                   `json:"valid"`
	Diagnostics []validationDiagnostic `json:"diagnostics"`
}

// ValidationJSON is validate's --output json: {"valid": …, "diagnostics": […]}, indented
// over several lines (so that main prints a failure's document unprefixed).
func ValidationJSON(valid bool, ds diag.List) []byte {
	r := validationReport{Valid: valid, Diagnostics: []validationDiagnostic{}}
	for _, d := range ds {
		r.Diagnostics = append(r.Diagnostics, validationDiagnostic{d.File, d.Line, d.Col, d.Path, d.Message, d.Severity.String()})
	}
	b, _ := json.MarshalIndent(r, "", "  ") // strings and ints only: cannot fail
	return append(b, '\n')
}
