// Package output writes a command's result in the format its --output or --format flag
// names: one Output interface, one implementation per format, one constructor that maps
// the name to it and refuses any other (D-CLI-06). The formats of every command are
// declared in formats.go.
package output

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/floe-dev/floe/diag"
)

// Output writes results of type T in one format. Write renders a result; Flush sends
// what was rendered to the writer, so a result that fails to render leaves it untouched.
type Output[T any] interface {
	Write(T) error
	Flush() error
}

// Format is one output format of a command: its name, other names it answers to, and
// how it writes a T.
type Format[T any] struct {
	Name    string
	Aliases []string
	Write   func(io.Writer, T) error
}

// Formats are a command's output formats, the default first, and the command and flag
// that name one (for the refusal of any other).
type Formats[T any] struct {
	Command, Flag string
	List          []Format[T]
}

// New returns the Output of the format called name, writing to w. An unknown name is a
// usage error (exit 2): `COMMAND: FLAG "NAME": want a, b or c`.
func New[T any](w io.Writer, formats Formats[T], name string) (Output[T], error) {
	f, err := formats.Lookup(name)
	if err != nil {
		return nil, err
	}
	return &formatOutput[T]{w: w, write: f.Write}, nil
}

// Lookup is the format called name, or New's usage error.
func (fs Formats[T]) Lookup(name string) (Format[T], error) {
	for _, f := range fs.List {
		if f.Name == name {
			return f, nil
		}
		for _, a := range f.Aliases {
			if a == name {
				return f, nil
			}
		}
	}
	return Format[T]{}, diag.Usage(fmt.Errorf("%s: %s %q: want %s", fs.Command, fs.Flag, name, fs.Names()))
}

// Names are the formats' names, the default first: "a, b or c".
func (fs Formats[T]) Names() string {
	names := make([]string, len(fs.List))
	for i, f := range fs.List {
		names[i] = f.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// formatOutput is the Output of one Format: results render into a buffer that Flush
// writes out.
type formatOutput[T any] struct {
	w     io.Writer
	write func(io.Writer, T) error
	buf   bytes.Buffer
}

func (o *formatOutput[T]) Write(v T) error { return o.write(&o.buf, v) }

func (o *formatOutput[T]) Flush() error {
	_, err := o.w.Write(o.buf.Bytes())
	o.buf.Reset()
	return err
}
