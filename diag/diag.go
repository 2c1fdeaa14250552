// Package diag carries located diagnostics: every problem floe finds in its inputs is
// reported as "file:line:col: field.path: message", all of them, not only the first.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/floe-dev/floe/internal/secretshape"
)

// Severity says whether a diagnostic fails the command.
type Severity int

const (
	// Error fails the command (exit 2 for input problems).
	Error Severity = iota
	// Warning is printed but does not fail the command.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one located problem.
type Diagnostic struct {
	File     string // relative to root
	Line     int    // 1-based; 0 when the fault has no position
	Col      int
	Path     string // field path, e.g. transforms[1].dependsOn[0]
	Message  string
	Severity Severity
}

// String is the diagnostic as floe prints it. Any part with the shape of key material
// (a token, a key, a URL's password) is redacted, whoever wrote the message.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", d.Line, d.Col)
		}
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return secretshape.Redact(b.String())
}

// List is a set of diagnostics; as an error it reports every error-severity entry.
type List []Diagnostic

// Errors returns only the error-severity diagnostics.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Warnings returns only the warning-severity diagnostics.
func (l List) Warnings() List {
	var out List
	for _, d := range l {
		if d.Severity == Warning {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool { return len(l.Errors()) > 0 }

// Sort orders diagnostics by file, line, column, path and message, so output is stable.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Message, b.Message))
	})
}

// SortedUnique is the list sorted (Sort), each diagnostic once; nil when empty. It
// reorders l in place.
func (l List) SortedUnique() List {
	l.Sort()
	out := l[:0]
	for i, d := range l {
		if i > 0 && d == l[i-1] {
			continue
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Err returns the list as an error when it holds errors, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// ExitCode is implemented by errors that choose the process exit code (D-CLI-02):
// 1 for a "no" answer (policy denied, renders differ), 2 for invalid input or usage.
type ExitCode interface{ ExitCode() int }

// ExitCode makes a List an input error (exit 2).
func (l List) ExitCode() int { return 2 }

type coded struct {
	code int
	err  error
}

// Error is the wrapped error's text with key material redacted: Usage and No mark the
// errors floe prints, whatever produced them.
func (c coded) Error() string { return secretshape.Redact(c.err.Error()) }
func (c coded) Unwrap() error { return c.err }
func (c coded) ExitCode() int { return c.code }

// Usage marks err as invalid input or usage (exit 2).
func Usage(err error) error { return coded{2, err} }

// No marks err as a "no" answer (exit 1): policy denied, renders differ.
func No(err error) error { return coded{1, err} }

// Errorf builds a single positionless error diagnostic list for file.
func Errorf(file, path, format string, args ...any) List {
	return List{{File: file, Path: path, Message: fmt.Sprintf(format, args...)}}
}
