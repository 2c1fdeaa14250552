package policies

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// call runs OPA's builtin name (as floe bounds it) on operands; ok is false when it
// failed or was refused.
func call(name string, operands ...*ast.Term) (out *ast.Term, ok bool) {
	err := topdown.GetBuiltin(name)(topdown.BuiltinContext{}, operands, func(t *ast.Term) error {
		out = t
		return nil
	})
	return out, err == nil && out != nil
}

// FuzzSprintfSize: whatever the format, sprintfSize is at least what sprintf writes.
func FuzzSprintfSize(f *testing.F) {
	for _, format := range []string{
		"%d", "%-8s|%.2f", "%*d", "%.*f", "%[2]*[1]d", "%[3]v %[1]q", "%[9]d", "%% %!", "%#x % X %+q",
		"%08.3e", "%[1]*.[2]*[3]v", "%.", "%[", "%[]d", "%[0]d", "%v %v %v %v %v %v", "%U %c %b %o %O",
		"%x", "%-*d", "%.[2]d", "%[2]d%d%d", "%10.100v",
	} {
		f.Add(format, "héllo\x00\"<", int64(42), 3.25)
	}
	f.Fuzz(func(t *testing.T, format, s string, n int64, x float64) {
		args := ast.ArrayTerm(
			ast.IntNumberTerm(int(n%100)), ast.StringTerm(s), ast.FloatNumberTerm(x), ast.NumberTerm("123456789012345678901234567890"),
			ast.ArrayTerm(ast.StringTerm(s), ast.ObjectTerm(ast.Item(ast.StringTerm(s), ast.IntNumberTerm(int(n))))),
			ast.SetTerm(ast.StringTerm(s), ast.BooleanTerm(true), ast.NullTerm()),
		)
		terms := make([]*ast.Term, args.Value.(*ast.Array).Len())
		for i := range terms {
			terms[i] = args.Value.(*ast.Array).Elem(i)
		}
		bound := sprintfSize(format, terms, 1<<40)
		out, ok := call(ast.Sprintf.Name, ast.StringTerm(format), args)
		if !ok {
			return
		}
		if got := len(out.Value.(ast.String)); got > bound {
			t.Errorf("sprintf(%q) wrote %d bytes, sprintfSize bounds it at %d", format, got, bound)
		}
	})
}

// FuzzTextSize: whatever the value, textSize is at least what json.marshal and
// yaml.marshal write and what sprintf's %v writes.
func FuzzTextSize(f *testing.F) {
	for _, doc := range []string{
		`{"a": [1, "b\n\"c\""], "d": {"e": null, "f": true}}`, `[[[[[[]]]]]]`, `"\u2028<&>"`,
		`{"x": "line\nline\nline", "y": [{"z": "é"}]}`, `1e300`, `[{}, [], "", 0]`,
	} {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		v, err := ast.ParseTerm(doc)
		if err != nil || !v.IsGround() {
			return
		}
		for name, l := range map[string]textLayout{ast.JSONMarshal.Name: oneLine, ast.YAMLMarshal.Name: yamlish} {
			out, ok := call(name, v)
			if !ok {
				continue
			}
			if got, bound := len(out.Value.(ast.String)), textSize(v.Value, l, 1<<40); got > bound {
				t.Errorf("%s(%s) wrote %d bytes, textSize bounds it at %d", name, doc, got, bound)
			}
		}
		if got, bound := len(v.Value.String()), textSize(v.Value, oneLine, 1<<40); got > bound {
			t.Errorf("%s is %d bytes of rego, textSize bounds it at %d", doc, got, bound)
		}
	})
}
