package policies

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/internal/yamlguard"
)

// Bounds on what one call of a capped builtin may produce (D-SEC-07), checked before
// the builtin allocates. floe's own rules stay far below them.
const (
	// maxBuiltinBytes is the text one call may produce: what one repository file may
	// hold (a string of it split into one term per byte stays under the memory bound).
	maxBuiltinBytes = yamlguard.MaxFileBytes
	// maxBuiltinTerms is the elements one call may produce (numbers.range, array.flatten).
	maxBuiltinTerms = 1_000_000
	// maxNumberDigits is the digits one product may have (mul, product): multiplying is
	// the one arithmetic that adds the operands' sizes, and its cost grows faster.
	maxNumberDigits = 10_000
)

// yamlLimits bound the YAML text yaml.unmarshal and yaml.is_valid decode: floe's own
// YAML bounds, and the bytes aliases add once expanded (OPA's decoder copies them out).
var yamlLimits = yamlguard.Limits{
	MaxBytes:          yamlguard.MaxFileBytes,
	MaxDepth:          yamlguard.MaxDepth,
	MaxAliases:        yamlguard.MaxAliases,
	MaxExpansion:      yamlguard.MaxExpansion,
	MaxExpansionBytes: maxBuiltinBytes,
}

// sizeCheck is a capped builtin's check: what a call with these operands would produce
// past its bound ("" when within it). Operands of the wrong type pass: the builtin
// itself reports them. The operands may end with the call's result term.
type sizeCheck func(operands []*ast.Term) string

// cappedBuiltins are the builtins floe wraps with a check made before they allocate.
var cappedBuiltins = map[string]sizeCheck{
	ast.NumbersRange.Name:           rangeCheck(false),
	ast.NumbersRangeStep.Name:       rangeCheck(true),
	ast.ArrayFlatten.Name:           flattenCheck,
	ast.Concat.Name:                 concatCheck,
	ast.Replace.Name:                replaceCheck,
	ast.ReplaceN.Name:               replaceNCheck,
	ast.RegexReplace.Name:           regexReplaceCheck,
	ast.Sprintf.Name:                sprintfCheck,
	ast.InternalTemplateString.Name: textCheck(oneLine),
	ast.JSONMarshal.Name:            textCheck(oneLine),
	ast.YAMLMarshal.Name:            textCheck(yamlish),
	ast.YAMLUnmarshal.Name:          yamlCheck,
	ast.YAMLIsValid.Name:            yamlCheck,
	ast.Multiply.Name:               productCheck,
	ast.Product.Name:                productCheck,
}

// boundBuiltins replaces, once per process, the implementation of every capped builtin
// with one that checks first. OPA keeps builtin implementations in one process-wide
// table, so every evaluation is bounded, floe's rules and bundles alike; it runs when
// the package is initialized, before any evaluation can read the table.
var boundBuiltins = sync.OnceFunc(func() {
	for name, check := range cappedBuiltins {
		unbounded := topdown.GetBuiltin(name)
		if unbounded == nil {
			panic("policies: OPA has no builtin " + name)
		}
		topdown.RegisterBuiltinFunc(name, func(bctx topdown.BuiltinContext, operands []*ast.Term, iter func(*ast.Term) error) error {
			switch problem := check(operands); problem {
			case "":
			case yamlUnreadable:
				if answer := unreadableAnswer(name); answer != nil {
					return iter(answer)
				}
				return nil // undefined
			default:
				// A Halt ends the evaluation even where builtin errors only make a call undefined.
				return topdown.Halt{Err: (&topdown.Error{Code: topdown.BuiltinErr, Message: name + ": " + problem, Location: bctx.Location}).Wrap(ErrBuiltinLimit)}
			}
			return unbounded(bctx, operands, iter)
		})
	}
})

func init() { boundBuiltins() }

// evalError is err of an evaluation, with plain before it; when a builtin's bound
// stopped it, an input error (exit 2) with named (which names the bundles) before it.
func evalError(plain, named string, err error) error {
	if errors.Is(err, ErrBuiltinLimit) {
		return diag.Usage(fmt.Errorf("%s: %w", named, err))
	}
	return fmt.Errorf("%s: %w", plain, err)
}

// rangeCheck: numbers.range(x, y) and numbers.range_step(x, y, step) count |y-x|/step+1
// numbers.
func rangeCheck(stepped bool) sizeCheck {
	return func(operands []*ast.Term) string {
		x, xok := bigInt(operands[0])
		y, yok := bigInt(operands[1])
		if !xok || !yok {
			return ""
		}
		n := new(big.Int).Abs(new(big.Int).Sub(y, x))
		if stepped {
			step, ok := bigInt(operands[2])
			if !ok || step.Sign() <= 0 {
				return ""
			}
			n.Quo(n, step)
		}
		if n.Cmp(big.NewInt(maxBuiltinTerms)) >= 0 {
			return fmt.Sprintf("the range has more than %d numbers, the most one call may produce", maxBuiltinTerms)
		}
		return ""
	}
}

// flattenCheck: array.flatten's result has the elements of every nested array.
func flattenCheck(operands []*ast.Term) string {
	a, ok := operands[0].Value.(*ast.Array)
	if !ok {
		return ""
	}
	n := 0
	for i := range a.Len() {
		if nested, ok := a.Elem(i).Value.(*ast.Array); ok {
			n += nested.Len()
		} else {
			n++
		}
		if n > maxBuiltinTerms {
			return fmt.Sprintf("the result would have more than %d elements, the most one call may produce", maxBuiltinTerms)
		}
	}
	return ""
}

// concatCheck: concat's result is every string and a separator between each two.
func concatCheck(operands []*ast.Term) string {
	sep, ok := operands[0].Value.(ast.String)
	if !ok {
		return ""
	}
	n := 0
	add := func(t *ast.Term) error {
		if s, ok := t.Value.(ast.String); ok {
			n += len(s) + len(sep)
		}
		if n > maxBuiltinBytes {
			return errOverBudget
		}
		return nil
	}
	switch c := operands[1].Value.(type) {
	case *ast.Array:
		_ = c.Iter(add)
	case ast.Set:
		_ = c.Iter(add)
	}
	return overBytes(n)
}

// replaceCheck: replace(s, old, new) replaces every occurrence (strings.Count counts
// them as strings.Replace finds them, the empty old matching before every rune).
func replaceCheck(operands []*ast.Term) string {
	s, ok1 := operands[0].Value.(ast.String)
	old, ok2 := operands[1].Value.(ast.String)
	repl, ok3 := operands[2].Value.(ast.String)
	if !ok1 || !ok2 || !ok3 || len(repl) <= len(old) {
		return ""
	}
	return overBytes(len(s) + strings.Count(string(s), string(old))*(len(repl)-len(old)))
}

// replaceNCheck: strings.replace_n(patterns, s) replaces non-overlapping occurrences of
// the patterns; each pattern occurs at most strings.Count times among them.
func replaceNCheck(operands []*ast.Term) string {
	patterns, ok1 := operands[0].Value.(ast.Object)
	s, ok2 := operands[1].Value.(ast.String)
	if !ok1 || !ok2 {
		return ""
	}
	n := len(s)
	_ = patterns.Iter(func(k, v *ast.Term) error {
		old, ok1 := k.Value.(ast.String)
		repl, ok2 := v.Value.(ast.String)
		if ok1 && ok2 && len(repl) > len(old) {
			n += strings.Count(string(s), string(old)) * (len(repl) - len(old))
		}
		if n > maxBuiltinBytes {
			return errOverBudget
		}
		return nil
	})
	return overBytes(n)
}

// regexReplaceCheck: regex.replace(s, pattern, repl) writes repl once per match, each
// $reference in it expanding to at most the match's text. The matches are counted only
// when a match at every position could pass the bound, by a replacement with nothing
// (which allocates no more than s).
func regexReplaceCheck(operands []*ast.Term) string {
	s, ok1 := operands[0].Value.(ast.String)
	pattern, ok2 := operands[1].Value.(ast.String)
	repl, ok3 := operands[2].Value.(ast.String)
	if !ok1 || !ok2 || !ok3 {
		return ""
	}
	refs := strings.Count(string(repl), "$")
	if len(s)+(len(s)+1)*len(repl)+refs*len(s) <= maxBuiltinBytes {
		return ""
	}
	re, err := regexp.Compile(string(pattern))
	if err != nil {
		return ""
	}
	n := len(s)
	re.ReplaceAllStringFunc(string(s), func(m string) string {
		n += len(repl) + (refs-1)*len(m)
		return ""
	})
	return overBytes(n)
}

// sprintfCheck: sprintf's padding, precisions and arguments, as its format reads them.
func sprintfCheck(operands []*ast.Term) string {
	format, ok1 := operands[0].Value.(ast.String)
	args, ok2 := operands[1].Value.(*ast.Array)
	if !ok1 || !ok2 {
		return ""
	}
	terms := make([]*ast.Term, args.Len())
	for i := range terms {
		terms[i] = args.Elem(i)
	}
	return overBytes(sprintfSize(string(format), terms, maxBuiltinBytes))
}

// textCheck: a serializer writes its operand whole, however often it repeats a value.
func textCheck(l textLayout) sizeCheck {
	return func(operands []*ast.Term) string {
		return overBytes(textSize(operands[0].Value, l, maxBuiltinBytes))
	}
}

// yamlCheck: yaml.unmarshal and yaml.is_valid decode their text with aliases expanded
// and copied out, so it passes floe's YAML guard first. Text the guard cannot read never
// reaches OPA's decoder (which is not the guard's): the check answers yamlUnreadable,
// and the call answers as OPA does for text it cannot parse (unreadableAnswer).
func yamlCheck(operands []*ast.Term) string {
	s, ok := operands[0].Value.(ast.String)
	if !ok {
		return ""
	}
	if err := yamlLimits.CheckReadable("the YAML text", []byte(s)); err != nil {
		var ge *yamlguard.Error
		if errors.As(err, &ge) && ge.Unreadable {
			return yamlUnreadable
		}
		return err.Error()
	}
	return ""
}

// yamlUnreadable is yamlCheck's answer for a text the guard cannot parse: not a bound
// passed, so no halt.
const yamlUnreadable = "\x00unreadable"

// unreadableAnswer is what name answers for a text yamlCheck found unreadable:
// yaml.is_valid false, yaml.unmarshal nothing (undefined).
func unreadableAnswer(name string) *ast.Term {
	if name == ast.YAMLIsValid.Name {
		return ast.BooleanTerm(false)
	}
	return nil
}

// productCheck: a product has about as many digits as its factors together.
func productCheck(operands []*ast.Term) string {
	n := 0
	add := func(t *ast.Term) error {
		if x, ok := t.Value.(ast.Number); ok {
			n += numberDigits(x)
		}
		if n > maxNumberDigits {
			return errOverBudget
		}
		return nil
	}
	switch c := operands[0].Value.(type) {
	case ast.Number:
		for _, t := range operands[:2] {
			_ = add(t)
		}
	case *ast.Array:
		_ = c.Iter(add)
	case ast.Set:
		_ = c.Iter(add)
	}
	if n > maxNumberDigits {
		return fmt.Sprintf("the product would have more than %d digits, the most one call may produce", maxNumberDigits)
	}
	return ""
}

// numberDigits bounds the digits of n's integer part: its written digits plus its
// decimal exponent (1e30000 has 30001).
func numberDigits(n ast.Number) int {
	s := strings.TrimLeft(string(n), "+-")
	mantissa, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	digits := len(mantissa)
	if hasExp {
		e, ok := new(big.Int).SetString(strings.TrimPrefix(exp, "+"), 10)
		if !ok {
			return digits
		}
		if !e.IsInt64() || e.Int64() > maxNumberDigits {
			return maxNumberDigits + 1
		}
		digits += int(max(e.Int64(), 0))
	}
	return digits
}

// bigInt is t's value when it is an integer.
func bigInt(t *ast.Term) (*big.Int, bool) {
	n, ok := t.Value.(ast.Number)
	if !ok {
		return nil, false
	}
	i, ok := new(big.Int).SetString(string(n), 10)
	if !ok {
		f, ok := new(big.Float).SetString(string(n))
		if !ok || !f.IsInt() {
			return nil, false
		}
		i, _ = f.Int(nil)
	}
	return i, true
}

// overBytes is the problem of a call that would produce n bytes, "" within the bound.
func overBytes(n int) string {
	if n <= maxBuiltinBytes {
		return ""
	}
	return fmt.Sprintf("the result would have more than %d MiB, the most one call may produce", maxBuiltinBytes>>20)
}
