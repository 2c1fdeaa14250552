package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pmezard/go-difflib/difflib"
)

// WriteJSON writes r as indented JSON:
// {"summary":{…},"objects":[{"kind","namespace","name","apiVersion","change",
// "renamedFrom"?,"fields":[{"path","change","old"?,"new"?,"redacted"?,"oldBytes"?,"newBytes"?}]}]}.
func WriteJSON(w io.Writer, r *Result) error { return writeJSON(w, r) }

// writeJSON writes v as indented JSON, HTML characters as they are.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	return code + s + ansiReset
}

func marker(c Change) string {
	switch c {
	case Added:
		return "+"
	case Removed:
		return "-"
	case Renamed:
		return ">"
	}
	return "~"
}

func changeColor(c Change) string {
	switch c {
	case Added:
		return ansiGreen
	case Removed:
		return ansiRed
	case Renamed:
		return ansiCyan
	}
	return ansiYellow
}

// WriteText writes r for a terminal or a log: one block per differing object, then a
// summary line.
func WriteText(w io.Writer, r *Result, color bool) error {
	p := painter(color)
	var b bytes.Buffer
	for _, o := range r.Objects {
		b.WriteString(p.paint(ansiBold+changeColor(o.Change), marker(o.Change)+" "+title(o)))
		b.WriteString(": " + describe(o, false) + "\n")
		for _, f := range o.Fields {
			for _, l := range fieldLines(f) {
				b.WriteString("    ")
				b.WriteString(p.paintLine(l))
				b.WriteByte('\n')
			}
		}
		b.WriteByte('\n')
	}
	b.WriteString(summaryLine(r.Summary))
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

func (p painter) paintLine(l string) string {
	t := strings.TrimLeft(l, " ")
	switch {
	case strings.HasPrefix(t, "@@"):
		return p.paint(ansiCyan, l)
	case strings.HasPrefix(t, "+"):
		return p.paint(ansiGreen, l)
	case strings.HasPrefix(t, "-"):
		return p.paint(ansiRed, l)
	case strings.HasPrefix(t, "~"):
		return p.paint(ansiYellow, l)
	}
	return l
}

// title is "Kind namespace/name (apiVersion)".
func title(o ObjectDiff) string {
	return safe(o.Kind) + " " + safe(qualifiedName(o.Namespace, o.Name)) + " (" + safe(o.APIVersion) + ")"
}

// describe is "changed, 2 fields" or "renamed from ns/old, 3 fields".
func describe(o ObjectDiff, md bool) string {
	c := string(o.Change)
	if o.Change == Renamed {
		from := safe(o.RenamedFrom)
		if md {
			from = mdCode(o.RenamedFrom)
		}
		c += " from " + from
	}
	return c + ", " + plural(len(o.Fields), "field")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func summaryLine(s Summary) string {
	total := s.Added + s.Removed + s.Changed + s.Renamed + s.Unchanged
	if s.Added+s.Removed+s.Changed+s.Renamed == 0 {
		return fmt.Sprintf("no differences: %s unchanged", plural(total, "object"))
	}
	return fmt.Sprintf("%d added, %d removed, %d changed, %d renamed, %d unchanged",
		s.Added, s.Removed, s.Changed, s.Renamed, s.Unchanged)
}

// fieldLines renders one field: "~ path: old → new", "+ path: new", "- path: old";
// multi-line strings as a line diff below the path; redacted fields by size only.
func fieldLines(f Field) []string {
	m := marker(f.Change)
	head := m + " " + f.Path + ": "
	if f.Redacted {
		switch {
		case f.Change == Added:
			return []string{head + fmt.Sprintf("added (%s)", bytesOf(*f.NewBytes))}
		case f.Change == Removed:
			return []string{head + fmt.Sprintf("removed (%s)", bytesOf(*f.OldBytes))}
		case f.sameText:
			return []string{head + fmt.Sprintf("type changed (%s → %s), value unchanged", f.OldType, f.NewType)}
		}
		return []string{head + fmt.Sprintf("%s (%s → %s)", f.Change, bytesOf(*f.OldBytes), bytesOf(*f.NewBytes))}
	}
	if f.Change == Reordered {
		return []string{head + "reordered " + f.Old.String() + " → " + f.New.String()}
	}
	if lines := multiline(f); lines != nil {
		return append([]string{m + " " + f.Path + ":"}, lines...)
	}
	switch f.Change {
	case Added:
		return []string{head + f.New.String()}
	case Removed:
		return []string{head + f.Old.String()}
	}
	return []string{head + f.Old.String() + " → " + f.New.String()}
}

func bytesOf(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

// multiline renders a field whose string value(s) span lines as indented diff lines,
// or returns nil when the field is better shown on one line.
func multiline(f Field) []string {
	var a, b string
	var aStr, bStr bool
	if f.Old != nil {
		a, aStr = f.Old.V.(string)
	}
	if f.New != nil {
		b, bStr = f.New.V.(string)
	}
	switch f.Change {
	case Added:
		if !bStr || !strings.Contains(b, "\n") {
			return nil
		}
		return prefixed("+", b)
	case Removed:
		if !aStr || !strings.Contains(a, "\n") {
			return nil
		}
		return prefixed("-", a)
	}
	if !aStr || !bStr || !(strings.Contains(a, "\n") || strings.Contains(b, "\n")) {
		return nil
	}
	if strings.TrimSuffix(a, "\n") == strings.TrimSuffix(b, "\n") {
		return nil // only the final newline differs: the quoted form shows it
	}
	ud := difflib.UnifiedDiff{A: splitLines(a), B: splitLines(b), Context: 3}
	s, err := difflib.GetUnifiedDiffString(ud)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		out = append(out, "    "+l)
	}
	return out
}

// splitLines splits s into lines for difflib, each cleaned for display and ending in
// "\n"; a last line without a newline says so.
func splitLines(s string) []string {
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	out := make([]string, len(parts))
	for i, l := range parts {
		if strings.HasSuffix(l, "\n") {
			out[i] = clean(strings.TrimSuffix(l, "\n")) + "\n"
		} else {
			out[i] = clean(l) + "\n\\ no newline at end\n"
		}
	}
	return out
}

func prefixed(m, s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		out = append(out, "    "+m+clean(l))
	}
	return out
}

// clean makes a line safe for a terminal: a line holding control or invisible
// formatting characters is shown quoted instead.
func clean(l string) string {
	if !utf8.ValidString(l) || strings.IndexFunc(l, func(r rune) bool {
		return r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r))
	}) >= 0 {
		return strconv.Quote(l)
	}
	return l
}

// safe is clean for names.
func safe(s string) string {
	if s == "" {
		return `""`
	}
	if strings.ContainsAny(s, " \n") {
		return strconv.Quote(s)
	}
	return clean(s)
}

// maxMarkdownFields bounds the fields listed per object in a pull-request comment.
const maxMarkdownFields = 200

// WriteMarkdown writes r for a pull-request comment: a summary, a table of the
// differing objects, then one collapsed section per object listing its fields.
func WriteMarkdown(w io.Writer, r *Result) error {
	var b bytes.Buffer
	b.WriteString("### floe diff\n\n")
	if !r.Differs() {
		b.WriteString("No differences: " + plural(r.Summary.Unchanged, "object") + " unchanged.\n")
		_, err := w.Write(b.Bytes())
		return err
	}
	s := r.Summary
	fmt.Fprintf(&b, "**%d added, %d removed, %d changed, %d renamed**, %d unchanged\n\n",
		s.Added, s.Removed, s.Changed, s.Renamed, s.Unchanged)
	b.WriteString("| Object | Change | Fields |\n| --- | --- | ---: |\n")
	for _, o := range r.Objects {
		c := string(o.Change)
		if o.Change == Renamed {
			c += " from " + mdCode(o.RenamedFrom)
		}
		fmt.Fprintf(&b, "| %s | %s | %d |\n", mdCode(o.Kind+" "+qualifiedName(o.Namespace, o.Name)), c, len(o.Fields))
	}
	for _, o := range r.Objects {
		fmt.Fprintf(&b, "\n<details>\n<summary><code>%s</code> (%s): %s</summary>\n\n",
			html.EscapeString(o.Kind+" "+qualifiedName(o.Namespace, o.Name)), html.EscapeString(o.APIVersion),
			html.EscapeString(describe(o, false)))
		var lines []string
		for i, f := range o.Fields {
			if i == maxMarkdownFields {
				lines = append(lines, fmt.Sprintf("… %d more fields (floe diff --format text lists them all)", len(o.Fields)-i))
				break
			}
			lines = append(lines, fieldLines(f)...)
		}
		fence := codeFence(lines)
		b.WriteString(fence + "diff\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
		b.WriteString(fence + "\n\n</details>\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// codeFence is a backtick fence longer than any backtick run in lines.
func codeFence(lines []string) string {
	longest := 0
	for _, l := range lines {
		run := 0
		for _, r := range l {
			if r == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// mdCode is s as an inline code span that is safe inside a table cell.
func mdCode(s string) string {
	s = strings.ReplaceAll(clean(s), "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	ticks := 0
	run := 0
	for _, r := range s {
		if r == '`' {
			run++
			ticks = max(ticks, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", ticks+1)
	if ticks > 0 {
		return f + " " + s + " " + f
	}
	return f + s + f
}
