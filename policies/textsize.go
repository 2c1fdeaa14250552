package policies

import (
	"errors"

	"github.com/open-policy-agent/opa/v1/ast"
)

// textLayout is how a serializer lays out a value: how many bytes of indentation each
// nesting level adds to a line (0: one line, as json.marshal and sprintf's %v write).
type textLayout struct {
	indent int
	folds  bool // long strings are folded at spaces onto indented lines, ' doubled
}

var (
	oneLine = textLayout{}
	yamlish = textLayout{indent: 2, folds: true}
)

// textSize is an upper bound of the bytes a value takes once written as text (JSON,
// YAML or rego's own notation), counted as the value is walked, not as it sits in
// memory: a value that holds one array a thousand times counts it a thousand times.
// The walk stops as soon as the count passes budget (and returns a count past it), so
// it costs at most about budget steps however much the value shares (D-SEC-07).
func textSize(v ast.Value, l textLayout, budget int) int {
	return sizer{layout: l, budget: budget}.value(v, 0, 0)
}

type sizer struct {
	layout textLayout
	budget int
}

// value adds v, nested depth levels deep, to n.
func (s sizer) value(v ast.Value, depth, n int) int {
	if n > s.budget {
		return n
	}
	line := 2 + s.layout.indent*depth // a line's start ("- ", indentation) and end
	switch v := v.(type) {
	case ast.String:
		return n + s.stringSize(string(v), line)
	case ast.Number: // as written, or as YAML writes a float64 (-1.7976931348623157e+308)
		return n + len(v) + 26
	case *ast.Array:
		n += line + 2
		for i := range v.Len() {
			if n = s.value(v.Elem(i).Value, depth+1, n+line); n > s.budget {
				return n
			}
		}
		return n
	case ast.Set:
		n += line + 5 // set()
		_ = v.Iter(func(t *ast.Term) error {
			n = s.value(t.Value, depth+1, n+line)
			if n > s.budget {
				return errOverBudget
			}
			return nil
		})
		return n
	case ast.Object:
		n += line + 2
		_ = v.Iter(func(k, x *ast.Term) error {
			if n = s.value(k.Value, depth+1, n+line); n > s.budget {
				return errOverBudget
			}
			if n = s.value(x.Value, depth+1, n+line); n > s.budget {
				return errOverBudget
			}
			return nil
		})
		return n
	default: // null, booleans; refs and the like never reach a builtin ground
		return n + len(v.String()) + 2
	}
}

// errOverBudget stops an Iter once the count is past the budget.
var errOverBudget = errors.New("over budget")

// stringSize is an upper bound of the bytes str takes quoted, with a line break after
// it: a printable ASCII byte stays one, any other takes at most six (\u00e9, \x00,
// "\U0001f600" per four bytes); a line break may also start an indented line of a
// block scalar, and where the layout folds, so may a space.
func (s sizer) stringSize(str string, line int) int {
	n := 3
	for i := range len(str) {
		switch c := str[i]; {
		case c == '\n' || s.layout.folds && (c == ' ' || c == '\''):
			n += 6 + line
		case c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&':
			n++
		default:
			n += 6
		}
	}
	return n
}
