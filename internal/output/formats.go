package output

import (
	"fmt"
	"io"

	"github.com/floe-dev/floe/diff"
	"github.com/floe-dev/floe/policies"
	"github.com/floe-dev/floe/render"
)

// The output formats of every command, the default first (D-CLI-06). Each format's
// writer lives beside the result it writes.

// Check are `floe check --output`'s formats (D-GATE-05).
var Check = Formats[policies.Report]{Command: "check", Flag: "--output", List: []Format[policies.Report]{
	{Name: "text", Write: policies.WriteText},
	{Name: "json", Write: policies.WriteJSON},
	{Name: "sarif", Write: policies.WriteSARIF},
}}

// Diff are `floe diff --format`'s formats for one product or two streams; color (ANSI)
// applies to text only and is for terminals.
func Diff(color bool) Formats[*diff.Result] {
	return Formats[*diff.Result]{Command: "diff", Flag: "--format", List: []Format[*diff.Result]{
		{Name: "text", Write: func(w io.Writer, r *diff.Result) error { return diff.WriteText(w, r, color) }},
		{Name: "markdown", Aliases: []string{"md"}, Write: diff.WriteMarkdown},
		{Name: "json", Write: diff.WriteJSON},
	}}
}

// DiffAll are `floe diff --all --format`'s formats: Diff's, over a review; markdown is
// one comment of at most maxChars characters.
func DiffAll(color bool, maxChars int) Formats[*diff.Report] {
	return Formats[*diff.Report]{Command: "diff --all", Flag: "--format", List: []Format[*diff.Report]{
		{Name: "text", Write: func(w io.Writer, r *diff.Report) error { return diff.WriteReportText(w, r, color) }},
		{Name: "markdown", Aliases: []string{"md"}, Write: func(w io.Writer, r *diff.Report) error { return diff.WriteReportMarkdown(w, r, maxChars) }},
		{Name: "json", Write: diff.WriteReportJSON},
	}}
}

// Render are `floe render --format`'s formats (D-CLI-04): one YAML stream, or a v1 List.
var Render = Formats[*render.Result]{Command: "render", Flag: "--format", List: []Format[*render.Result]{
	{Name: "yaml", Write: func(w io.Writer, r *render.Result) error { _, err := w.Write(r.YAML); return err }},
	{Name: "json", Write: func(w io.Writer, r *render.Result) error { return writeBytes(w)(r.JSON()) }},
}}

// Validate are `floe validate --output`'s formats.
var Validate = Formats[Validation]{Command: "validate", Flag: "--output", List: []Format[Validation]{
	{Name: "text", Write: func(w io.Writer, v Validation) error { _, err := fmt.Fprintln(w, v.Summary); return err }},
	{Name: "json", Write: func(w io.Writer, v Validation) error {
		_, err := w.Write(ValidationJSON(true, v.Diagnostics))
		return err
	}},
}}

// Workspace are `floe workspace --format`'s forms (D-WS-04): a ConfigMap called name in
// namespace (defaults when empty), or the Dagster chart's values.
func Workspace(name, namespace string) Formats[*render.Workspace] {
	return Formats[*render.Workspace]{Command: "workspace", Flag: "--format", List: []Format[*render.Workspace]{
		{Name: render.WorkspaceConfigMap, Write: func(w io.Writer, ws *render.Workspace) error { return writeBytes(w)(ws.ConfigMap(name, namespace)) }},
		{Name: render.WorkspaceHelmValues, Write: func(w io.Writer, ws *render.Workspace) error { return writeBytes(w)(ws.HelmValues()) }},
	}}
}

// writeBytes writes what a renderer returns, or returns its error.
func writeBytes(w io.Writer) func([]byte, error) error {
	return func(b []byte, err error) error {
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
}
