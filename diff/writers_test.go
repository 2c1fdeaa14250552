package diff

import (
	"fmt"
	"io"
)

// Format names one of this package's writers of a Result in the tests; the command's
// formats are internal/output's Diff.
type Format string

const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// Write writes r with the writer of format f.
func Write(w io.Writer, r *Result, f Format, color bool) error {
	switch f {
	case Text:
		return WriteText(w, r, color)
	case Markdown:
		return WriteMarkdown(w, r)
	case JSON:
		return WriteJSON(w, r)
	}
	return fmt.Errorf("no writer of %q", f)
}
